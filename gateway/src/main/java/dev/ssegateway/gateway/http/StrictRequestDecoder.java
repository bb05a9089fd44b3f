package dev.ssegateway.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.Locale;

/**
 * Vert.x's HTTP/1.x request decoder with RFC 9112 framing made strict. Netty is lenient where a
 * proxy in front may not be: it drops Content-Length when Transfer-Encoding is also present,
 * treats any Transfer-Encoding that merely contains {@code chunked} as chunked (and one that does
 * not as no body at all), and folds obs-fold continuation lines into the previous header. Each of
 * those requests is marked failed here instead, so Vert.x hands it to the invalid-request handler,
 * which answers 400 (501 for a transfer coding this server does not implement) and closes.
 *
 * <p>Obs-fold is visible only in the raw bytes, so every byte is scanned once as it arrives by a
 * small framing tracker ({@link FramingScan}): a header line that starts with a space or a tab is
 * a fold. The tracker follows bodies (Content-Length, chunked) to find where the next request
 * starts. It also makes valid chunk extensions ({@code ;name=value}) acceptable: Netty 4.2.12
 * refuses unquoted extension values, which RFC 9112 allows (and says to ignore when unknown), so
 * the tracker checks their characters and blanks them before Netty reads the chunk-size line.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private final FramingScan scan = new FramingScan();
  private FramingViolation violation;
  /** A request was refused for its framing: nothing after it can be trusted or is decoded. */
  private boolean poisoned;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf) {
      String problem = scan.feed(buf, buf.readerIndex(), buf.writerIndex());
      if (problem != null && violation == null) {
        violation = new FramingViolation(400, problem.startsWith("obs") ? "obsolete_line_folding" : "bad_framing",
            problem.startsWith("obs") ? "Header lines must not be folded (obs-fold)" : problem);
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (poisoned) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof HttpRequest request && request.decoderResult().isSuccess()) {
        FramingViolation v = violation != null ? violation : transferEncodingProblem(request);
        violation = null;
        if (v != null) {
          request.setDecoderResult(DecoderResult.failure(v));
          poisoned = true;
          // Drop anything decoded after the refused head: it may be a smuggled request.
          while (out.size() > i + 1) {
            Object dropped = out.remove(out.size() - 1);
            io.netty.util.ReferenceCountUtil.release(dropped);
          }
          buffer.skipBytes(buffer.readableBytes());
          return;
        }
      }
    }
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    violation = new FramingViolation(400, "ambiguous_framing",
        "A request must not carry both Content-Length and Transfer-Encoding");
  }

  /** Transfer-Encoding must be sent once and be exactly {@code chunked}, the only coding served. */
  private static FramingViolation transferEncodingProblem(HttpRequest request) {
    List<String> values = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      return new FramingViolation(400, "ambiguous_framing", "Transfer-Encoding must appear once");
    }
    String[] codings = values.get(0).split(",", -1);
    String last = codings[codings.length - 1].trim().toLowerCase(Locale.ROOT);
    if (!last.equals("chunked")) {
      return new FramingViolation(400, "ambiguous_framing",
          "The final transfer coding of a request must be chunked");
    }
    for (int i = 0; i < codings.length - 1; i++) {
      if (codings[i].trim().equalsIgnoreCase("chunked")) {
        return new FramingViolation(400, "ambiguous_framing", "chunked may be applied only once");
      }
    }
    if (codings.length > 1) {
      return new FramingViolation(501, "unsupported_transfer_coding",
          "This server accepts only Transfer-Encoding: chunked");
    }
    return null;
  }
}
