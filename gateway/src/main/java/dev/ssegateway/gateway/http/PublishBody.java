package dev.ssegateway.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the body of {@code POST /publish} as raw bytes, up to a limit, whatever the
 * {@code Content-Type} says, then hands it on as {@link #of(RoutingContext)}.
 *
 * <p>Vert.x's {@code BodyHandler} parses {@code application/x-www-form-urlencoded} bodies (curl's
 * default for {@code -d}) as form attributes, capped at 8192 bytes and failing with a null
 * message on JSON text: the quick start's own publish then answered {@code 400 "null"} once its
 * body grew past about 1 KiB. The publish body is always JSON, so it is never parsed as a form.
 */
final class PublishBody implements Handler<RoutingContext> {
  private static final String KEY = "sse.publishBody";

  private final long limitBytes;

  PublishBody(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  /** The body read by this handler (empty when the request had none). */
  static Buffer of(RoutingContext ctx) {
    Buffer body = ctx.get(KEY);
    return body == null ? Buffer.buffer() : body;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      // The router pauses every request until a handler reads it; an ended one was read elsewhere.
      ctx.fail(500, new IllegalStateException("The request body was read before the publish handler"));
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && declaredTooLong(length)) {
      ctx.fail(413);
      return;
    }
    // curl sends "Expect: 100-continue" for bodies over 1 KiB and waits up to a second for it.
    if (request.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      ctx.response().writeContinue();
    }
    Buffer body = Buffer.buffer();
    boolean[] failed = {false};
    request.handler(chunk -> {
      if (failed[0]) {
        return;
      }
      if (body.length() + (long) chunk.length() > limitBytes) {
        failed[0] = true;
        ctx.fail(413);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!failed[0]) {
        failed[0] = true;
        ctx.fail(400, e);
      }
    });
    request.endHandler(v -> {
      if (!failed[0]) {
        ctx.put(KEY, body);
        ctx.next();
      }
    });
    request.resume();
  }

  private boolean declaredTooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > limitBytes;
    } catch (NumberFormatException e) {
      return false; // Netty refuses a malformed Content-Length before any route runs
    }
  }
}
