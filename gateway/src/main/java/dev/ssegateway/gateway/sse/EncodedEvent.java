package dev.ssegateway.gateway.sse;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * One event, encoded once per node and shared by every local subscriber.
 *
 * @param id the event's id in its topic, or null for a raw publish that has no history
 * @param withId the whole event including its {@code id:} line: what a one-topic connection writes
 * @param body the event without the {@code id:} line: a connection with several topics writes its
 *     own combined id line first
 * @param chunkWithId {@code withId} already framed as one HTTP/1.1 chunk, for the direct write path
 * @param chunkBody {@code body} framed as one HTTP/1.1 chunk
 * @param close whether the publisher asked to end every subscriber's stream after this event
 */
public record EncodedEvent(EventId id, Buffer withId, Buffer body, ByteBuf chunkWithId, ByteBuf chunkBody,
    boolean close) {

  /** An event the gateway makes for one topic's subscribers (no id, not shared with history). */
  public static EncodedEvent control(String event, String jsonData) {
    String text = SseEncoder.controlText(event, jsonData);
    Buffer buffer = SseEncoder.shared(text);
    ByteBuf chunk = SseEncoder.chunk(text);
    return new EncodedEvent(null, buffer, buffer, chunk, chunk, false);
  }
}
