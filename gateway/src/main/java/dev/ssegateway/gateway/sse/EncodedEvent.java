package dev.ssegateway.gateway.sse;

import io.vertx.core.buffer.Buffer;

/**
 * One event, encoded once per node and shared by every local subscriber.
 *
 * @param id the event's id in its topic, or null for a raw publish that has no history
 * @param withId the whole event including its {@code id:} line: what a one-topic connection writes
 * @param body the event without the {@code id:} line: a connection with several topics writes its
 *     own combined id line first
 * @param close whether the publisher asked to end every subscriber's stream after this event
 */
public record EncodedEvent(EventId id, Buffer withId, Buffer body, boolean close) {}
