package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Subscribing with RS256 and ES256 tokens: PEM public key files and a refreshed JWKS")
class PublicKeyTokensTest {
  private static Gateways gateways;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    Gateways.await(vertx.close());
  }

  private static JsonObject claims() {
    return Tokens.claims("bob", 300, List.of("orders"), List.of());
  }

  private static int status(int port, String token) {
    try (RawHttp http = RawHttp.get(port, "/events?topic=orders", Map.of("Authorization", "Bearer " + token))) {
      if (http.isEventStream()) {
        assertThat(http.awaitLive(Duration.ofSeconds(5))).isTrue();
        return 200;
      }
      RawHttp.Response r = http.response();
      assertThat(r.isJson()).as(r.toString()).isTrue();
      return r.status();
    }
  }

  @Test
  @DisplayName("RS256 with a PEM public key: tokens of that key pass; another key, HS256 keyed with the PEM text, and alg none do not")
  void rs256PemFile(@TempDir Path dir) throws Exception {
    KeyPair keys = Tokens.rsa();
    Path pem = Tokens.pemFile(keys.getPublic(), dir);
    GatewayNode node = gateways.startOne(Map.of("SSE_JWT_PUBLIC_KEY_FILE", pem.toString(), "SSE_JWT_ALGORITHM", "RS256"));
    try {
      assertThat(status(node.port(), Tokens.rs256(keys.getPrivate(), null, claims()))).isEqualTo(200);
      assertThat(status(node.port(), Tokens.rs256(Tokens.rsa().getPrivate(), null, claims()))).isEqualTo(401);
      // Algorithm confusion: an HMAC keyed with the public key, which anyone can read.
      assertThat(status(node.port(), Tokens.hs256(Files.readString(pem), claims()))).isEqualTo(401);
      assertThat(status(node.port(), Tokens.unsigned(claims()))).isEqualTo(401);
    } finally {
      gateways.stop(node);
    }
  }

  @Test
  @DisplayName("ES256 with a PEM public key: raw R||S signatures pass; DER signatures and other keys do not")
  void es256PemFile(@TempDir Path dir) {
    KeyPair keys = Tokens.ec();
    Path pem = Tokens.pemFile(keys.getPublic(), dir);
    GatewayNode node = gateways.startOne(Map.of("SSE_JWT_PUBLIC_KEY_FILE", pem.toString(), "SSE_JWT_ALGORITHM", "ES256"));
    try {
      assertThat(status(node.port(), Tokens.es256(keys.getPrivate(), null, claims()))).isEqualTo(200);
      assertThat(status(node.port(), Tokens.es256Der(keys.getPrivate(), claims()))).isEqualTo(401);
      assertThat(status(node.port(), Tokens.es256(Tokens.ec().getPrivate(), null, claims()))).isEqualTo(401);
    } finally {
      gateways.stop(node);
    }
  }

  @Test
  @DisplayName("JWKS: keys are fetched at start and refreshed; a rotated-out key stops working; an empty JWKS opens nothing")
  void jwksRotation() {
    KeyPair first = Tokens.rsa();
    KeyPair second = Tokens.rsa();
    AtomicReference<JsonObject> jwks = new AtomicReference<>(jwks(Tokens.rsaJwk((RSAPublicKey) first.getPublic(), "k1")));
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = Gateways.await(vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end(jwks.get().encode());
    }).listen(0, "127.0.0.1"));
    GatewayNode node = gateways.startOne(Map.of(
        "SSE_JWT_JWKS_URL", "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json",
        "SSE_JWT_JWKS_REFRESH_MS", "1000"));
    try {
      int port = node.port();
      String oldToken = Tokens.rs256(first.getPrivate(), "k1", claims());
      String newToken = Tokens.rs256(second.getPrivate(), "k2", claims());
      assertThat(status(port, oldToken)).isEqualTo(200);
      assertThat(status(port, newToken)).isEqualTo(401);

      jwks.set(jwks(Tokens.rsaJwk((RSAPublicKey) second.getPublic(), "k2")));
      awaitStatus(port, newToken, 200, Duration.ofSeconds(10));
      assertThat(status(port, oldToken)).as("the rotated-out key").isEqualTo(401);

      // An IdP answering an empty key set must not turn the verifier into one that checks nothing.
      jwks.set(new JsonObject().put("keys", new JsonArray()));
      int seen = fetches.get();
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (fetches.get() < seen + 2 && System.nanoTime() < end) {
        Scrape.sleep(50);
      }
      assertThat(fetches.get()).as("the JWKS was fetched again").isGreaterThanOrEqualTo(seen + 2);
      assertThat(status(port, Tokens.unsigned(claims()))).as("alg none after an empty JWKS").isEqualTo(401);
      assertThat(status(port, newToken)).as("the keys loaded before stay").isEqualTo(200);
    } finally {
      gateways.stop(node);
      server.close();
    }
  }

  private static JsonObject jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys)));
  }

  private static void awaitStatus(int port, String token, int expected, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    int last;
    do {
      last = status(port, token);
      if (last == expected) {
        return;
      }
      Scrape.sleep(100);
    } while (System.nanoTime() < end);
    throw new AssertionError("still " + last + " after " + timeout);
  }
}
