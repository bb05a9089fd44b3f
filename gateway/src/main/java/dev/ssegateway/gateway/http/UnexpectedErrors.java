package dev.ssegateway.gateway.http;

import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does with an exception no handler expected: a JSON 500 that carries an error
 * id, and one log line with the same id and the stack trace, so an operator can find the cause a
 * client reports. A client that went away mid-request (its socket closed or reset) is no error of
 * the gateway's: logged at debug only, with nothing to answer.
 */
final class UnexpectedErrors {
  private static final Logger log = LoggerFactory.getLogger(UnexpectedErrors.class);

  private UnexpectedErrors() {}

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (isClientAbort(failure) || ctx.response().closed()) {
      log.debug("Client went away during {} {}: {}", ctx.request().method(), ctx.request().path(), String.valueOf(failure));
      if (!ctx.response().closed() && !ctx.response().ended()) {
        ctx.response().reset();
      }
      return;
    }
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    log.error("Unexpected error {} on {} {}", id, ctx.request().method(), ctx.request().path(), failure);
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(500)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("X-Error-Id", id)
          .end(new JsonObject().put("error", "internal_error").put("errorId", id)
              .put("message", "The gateway failed to handle this request (error id " + id + ")").encode());
    }
  }

  /** A failure that only means the peer closed or reset the connection. */
  static boolean isClientAbort(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpClosedException || c instanceof ClosedChannelException
          || c instanceof Errors.NativeIoException) {
        return true;
      }
      if (c instanceof IOException && String.valueOf(c.getMessage()).contains("Connection reset")) {
        return true;
      }
      if (c instanceof VertxException && "Connection was closed".equals(c.getMessage())) {
        return true;
      }
      if (c instanceof NullPointerException && String.valueOf(c.getMessage()).contains("response\" is null")) {
        return true;
      }
    }
    return false;
  }
}
