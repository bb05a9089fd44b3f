package dev.ssegateway.gateway.sse;

/**
 * What every connection of a node shares.
 *
 * @param retryMs the reconnect hint sent in the first bytes
 * @param queueBytes bytes queued for one client before it is disconnected as a slow consumer
 * @param resumeWaitMs how long a resuming request may wait for history before its headers are
 *     sent anyway (normally history answers in a millisecond; this bounds a broker outage)
 * @param openTimeoutMs how long a request may wait for its subscription and starting positions
 *     before it is refused with 503 (nothing was sent yet, so the client can simply retry)
 */
public record ConnectionSettings(long retryMs, int queueBytes, long resumeWaitMs, long openTimeoutMs) {}
