package dev.ssegateway.publisher;

/**
 * One event to publish to one topic.
 *
 * <p>A plain value: constructing one validates nothing. {@link PublishRequestParser} validates what
 * arrives over HTTP, and {@link RedisPublisher} validates again before anything reaches Redis.
 *
 * @param topic   the topic; see {@link TopicNames} for the rule
 * @param event   the SSE event name, or {@code null} for the default {@code message} event
 * @param data    the event's data; any text, newlines included
 * @param retryMs the reconnection delay to send to clients with this event, or {@code null} for none
 * @param close   {@code true} to end the topic's streams after this event
 */
public record PublishRequest(String topic, String event, String data, Integer retryMs, boolean close) {

    /** An event with no retry hint that leaves streams open. */
    public static PublishRequest of(String topic, String event, String data) {
        return new PublishRequest(topic, event, data, null, false);
    }

    public PublishRequest withRetryMs(Integer retryMs) {
        return new PublishRequest(topic, event, data, retryMs, close);
    }

    public PublishRequest withClose(boolean close) {
        return new PublishRequest(topic, event, data, retryMs, close);
    }
}
