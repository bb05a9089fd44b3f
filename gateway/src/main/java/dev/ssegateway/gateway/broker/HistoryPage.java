package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.WireMessage;
import java.util.List;

/**
 * One read of a topic's history.
 *
 * @param events events after the requested id, oldest first
 * @param gap true when history no longer reaches back to the requested id (trimmed, expired or
 *     unknown): events between it and {@code events} are lost, and the client must be told
 * @param oldestKept the oldest event still kept, or null when history is empty
 * @param head the newest event id ever appended ({@link EventId#ZERO} for a topic with no history)
 * @param headIsClose whether the newest event asked to close the topic's streams
 * @param more whether more events follow after the last one returned
 */
public record HistoryPage(
    List<WireMessage> events, boolean gap, EventId oldestKept, EventId head, boolean headIsClose, boolean more) {}
