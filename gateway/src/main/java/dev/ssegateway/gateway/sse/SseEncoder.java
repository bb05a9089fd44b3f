package dev.ssegateway.gateway.sse;

import dev.ssegateway.gateway.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes events in the {@code text/event-stream} format of the WHATWG HTML standard.
 *
 * <p>Data containing LF, CRLF or a lone CR becomes several {@code data:} lines, so the browser
 * reassembles exactly the published string. Field values for {@code id} and {@code event} are
 * validated at publish time (no CR, LF or NUL), so they cannot inject fields.
 */
public final class SseEncoder {
  /** A comment line that keeps idle connections (and proxies) alive. */
  public static final Buffer HEARTBEAT = shared(":\n\n");
  private static final byte[] CRLF = {'\r', '\n'};
  /** {@link #HEARTBEAT} framed as an HTTP/1.1 chunk. */
  public static final ByteBuf HEARTBEAT_CHUNK = chunk(":\n\n");

  private SseEncoder() {}

  /** Encodes an event once per node; the result is shared by every connection that receives it. */
  public static EncodedEvent encode(String id, String event, String data, Integer retryMs, boolean close) {
    StringBuilder body = new StringBuilder(data.length() + 32);
    appendFields(body, event, retryMs, data);
    String bodyText = body.toString();
    String withIdText = id == null ? bodyText : "id: " + id + "\n" + bodyText;
    Buffer bodyBuffer = shared(bodyText);
    ByteBuf bodyChunk = chunk(bodyText);
    Buffer withId = id == null ? bodyBuffer : shared(withIdText);
    ByteBuf withIdChunk = id == null ? bodyChunk : chunk(withIdText);
    return new EncodedEvent(id == null ? null : EventId.parse(id), withId, bodyBuffer, withIdChunk, bodyChunk, close);
  }

  /** Encodes an event for one connection only (a replay from history): no shared buffer. */
  public static Buffer single(String id, String event, String data, Integer retryMs) {
    StringBuilder sb = new StringBuilder(data.length() + 64);
    sb.append("id: ").append(id).append('\n');
    appendFields(sb, event, retryMs, data);
    return Buffer.buffer(sb.toString());
  }

  /** An event the gateway itself sends (history lost, token expired...), with JSON data. */
  public static Buffer control(String event, String jsonData) {
    return Buffer.buffer(controlText(event, jsonData));
  }

  static String controlText(String event, String jsonData) {
    StringBuilder sb = new StringBuilder(jsonData.length() + 32);
    sb.append("event: ").append(event).append('\n');
    appendData(sb, jsonData);
    sb.append('\n');
    return sb.toString();
  }

  /** The first bytes of every stream: the reconnect hint and a comment, flushed at once. */
  public static Buffer preamble(long retryMs) {
    return Buffer.buffer("retry: " + retryMs + "\n:ok\n\n");
  }

  /** Changes the client's reconnect delay without dispatching an event. */
  public static Buffer retryHint(long retryMs) {
    return Buffer.buffer("retry: " + retryMs + "\n\n");
  }

  /** Sets the browser's last event id without dispatching an event (a block with only an id). */
  public static Buffer idOnly(String id) {
    return Buffer.buffer("id: " + id + "\n\n");
  }

  /** Text of one connection only (its combined id line), framed as an HTTP/1.1 chunk. */
  static ByteBuf chunkOnHeap(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    return Unpooled.wrappedBuffer(head, bytes, CRLF);
  }

  private static void appendFields(StringBuilder sb, String event, Integer retryMs, String data) {
    if (event != null && !event.isEmpty()) {
      sb.append("event: ").append(event).append('\n');
    }
    if (retryMs != null) {
      sb.append("retry: ").append(retryMs).append('\n');
    }
    appendData(sb, data);
    sb.append('\n');
  }

  static void appendData(StringBuilder sb, String data) {
    int start = 0;
    int n = data.length();
    for (int i = 0; i < n; i++) {
      char c = data.charAt(i);
      if (c == '\n' || c == '\r') {
        sb.append("data: ").append(data, start, i).append('\n');
        if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    sb.append("data: ").append(data, start, n).append('\n');
  }

  /**
   * A read-only buffer in direct memory. Netty copies heap buffers into direct memory on every
   * socket write; a direct buffer is written to thousands of sockets without a copy. The JDK's
   * cleaner frees it once no connection holds it any more.
   */
  static Buffer shared(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    return VertxInternals.wrap(Unpooled.wrappedBuffer(direct).asReadOnly());
  }

  /**
   * The text framed as one HTTP/1.1 chunk ({@code <hex length>\r\n<bytes>\r\n}) in direct
   * memory. The framing is the same for every connection, so it is done once per node too; each
   * connection writes a {@code duplicate()} (its own read position, no copy). Unreleasable: the
   * buffer lives as long as someone references it, and the JDK's cleaner frees it afterwards.
   */
  public static ByteBuf chunk(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer direct = ByteBuffer.allocateDirect(head.length + bytes.length + 2);
    direct.put(head).put(bytes).put((byte) '\r').put((byte) '\n').flip();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
  }
}
