package dev.ssegateway.gateway.testing;

/** One event as a spec-following client dispatches it. {@code id} is the last event id then. */
public record SseEvent(String id, String event, String data) {}
