package dev.ssegateway.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
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
 * <p>Obs-fold is visible only in the raw bytes, so the head of each request is scanned as it
 * arrives: a header line that starts with a space or a tab is a fold. The scan covers every head
 * byte once; body bytes are skipped and scanning restarts exactly where the decoder finished the
 * previous message.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private enum Scan { FIRST_LINE, LINE_START, IN_LINE, AFTER_CR, BODY }

  private Scan scan = Scan.FIRST_LINE;
  private boolean firstLineHasContent;
  private FramingViolation violation;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf) {
      scanHead(buf, buf.readerIndex(), buf.writerIndex());
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpRequest request && request.decoderResult().isSuccess()) {
        FramingViolation v = violation != null ? violation : transferEncodingProblem(request);
        if (v != null) {
          request.setDecoderResult(DecoderResult.failure(v));
        }
        violation = null;
      }
      if (o instanceof LastHttpContent) {
        // The message is complete: what is left in the buffer is the start of the next head,
        // skipped while the scan was in BODY; scan it now, once.
        scan = Scan.FIRST_LINE;
        firstLineHasContent = false;
        scanHead(buffer, buffer.readerIndex(), buffer.writerIndex());
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

  /** Advances the head scan over {@code buf[from, to)}; flags obs-fold; stops at the head's end. */
  private void scanHead(ByteBuf buf, int from, int to) {
    for (int i = from; i < to && scan != Scan.BODY; i++) {
      byte b = buf.getByte(i);
      switch (scan) {
        case FIRST_LINE -> {
          // Netty skips blank lines and control bytes before a request line; so does this scan.
          if (b == '\n') {
            if (firstLineHasContent) {
              scan = Scan.LINE_START;
            }
          } else if (b != '\r' && b != ' ' && b != '\t') {
            firstLineHasContent = true;
          }
        }
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            if (violation == null) {
              violation = new FramingViolation(400, "obsolete_line_folding",
                  "Header lines must not be folded (obs-fold)");
            }
            scan = Scan.IN_LINE;
          } else if (b == '\r') {
            scan = Scan.AFTER_CR;
          } else if (b == '\n') {
            scan = Scan.BODY;
          } else {
            scan = Scan.IN_LINE;
          }
        }
        case AFTER_CR -> scan = b == '\n' ? Scan.BODY : Scan.IN_LINE;
        case IN_LINE -> {
          if (b == '\n') {
            scan = Scan.LINE_START;
          }
        }
        default -> { }
      }
    }
  }
}
