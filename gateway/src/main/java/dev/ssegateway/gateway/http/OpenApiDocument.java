package dev.ssegateway.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the API's OpenAPI 3.1 document. One source: the resource
 * {@value #RESOURCE} (gateway/src/main/resources), read once at start and served as it is, so
 * that what tools read from a node is what the repository holds and OpenApiContractTest checks.
 */
final class OpenApiDocument implements Handler<RoutingContext> {
  static final String RESOURCE = "/openapi.yaml";

  private final Buffer document;

  OpenApiDocument() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE);
      }
      document = Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(document);
  }
}
