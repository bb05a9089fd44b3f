package dev.ssegateway.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Every error the gateway answers is JSON: {@code {"error": code, "message": sentence}}.
 *
 * <p>Every code sent anywhere is listed in the README's error tables (ErrorCodesDocumentedTest
 * scans the sources for them). The message is never empty nor {@code "null"}: many exceptions
 * (Netty's, Vert.x's) carry no message, and a client can do nothing with "null".
 */
public final class ErrorResponses {
  private ErrorResponses() {}

  public static void send(HttpServerResponse response, int status, String code, String message) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", code).put("message", sentence(status, message)).encode());
  }

  /** The failure's own message when it has one, else {@code fallback}: never null. */
  public static String describe(Throwable failure, String fallback) {
    String message = failure == null ? null : failure.getMessage();
    return usable(message) ? message : fallback;
  }

  private static String sentence(int status, String message) {
    return usable(message) ? message : "The request failed with HTTP status " + status;
  }

  private static boolean usable(String message) {
    return message != null && !message.isBlank() && !message.equals("null");
  }
}
