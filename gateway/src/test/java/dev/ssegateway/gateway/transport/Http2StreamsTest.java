package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HTTP/2")
class Http2StreamsTest {
  static final int STREAMS = 10;

  @TempDir
  static Path dir;
  private static Vertx clientVertx;

  @BeforeAll
  static void start() {
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Gateways.await(clientVertx.close());
  }

  @Test
  @DisplayName("over HTTPS, ALPN picks h2 and ten event streams share one connection, each receiving its events")
  void tenStreamsShareOneTlsConnection() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_TLS_CERT", cert.certPem().toString(), "SSE_TLS_KEY", cert.keyPem().toString()));
      HttpClientOptions tls = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
      HttpClient h2 = clientVertx.createHttpClient(
          new HttpClientOptions(tls).setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true),
          new PoolOptions().setHttp2MaxSize(1));
      HttpClient publisher = clientVertx.createHttpClient(tls);
      tenStreamsOnOneConnection(node, h2, publisher);
    }
  }

  @Test
  @DisplayName("over plain HTTP, h2c with prior knowledge carries ten event streams on one connection")
  void tenStreamsShareOneH2cConnection() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next()));
      HttpClient h2c = clientVertx.createHttpClient(
          new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
          new PoolOptions().setHttp2MaxSize(1));
      tenStreamsOnOneConnection(node, h2c, clientVertx.createHttpClient());
    }
  }

  private static void tenStreamsOnOneConnection(GatewayNode node, HttpClient h2, HttpClient publisher) {
    List<StreamRecorder> streams = new ArrayList<>();
    for (int i = 1; i <= STREAMS; i++) {
      streams.add(StreamRecorder.open(h2, node.port(), "/events?topic=t" + i));
    }
    await(() -> streams.stream().allMatch(StreamRecorder::live), "every stream live");
    Set<HttpConnection> connections = new HashSet<>();
    streams.forEach(s -> connections.add(s.connection()));
    assertThat(streams).allSatisfy(s -> assertThat(s.version()).isEqualTo(HttpVersion.HTTP_2));
    assertThat(connections).as("TCP connections carrying the %d streams", STREAMS).hasSize(1);
    assertThat(node.metrics().connections()).as("streams the node holds").isEqualTo(STREAMS);

    for (int round = 0; round < 3; round++) {
      for (int i = 1; i <= STREAMS; i++) {
        assertThat(StreamRecorder.publish(publisher, node.port(), "t" + i, "t" + i + "-" + round, Gateways.PUBLISH_KEY))
            .isEqualTo(200);
      }
    }
    await(() -> streams.stream().allMatch(s -> s.data().size() >= 3), "three events on every stream");
    for (int i = 1; i <= STREAMS; i++) {
      assertThat(streams.get(i - 1).data()).containsExactly("t" + i + "-0", "t" + i + "-1", "t" + i + "-2");
    }
    System.out.printf("%s: %d streams on %d connection, each received its 3 events%n",
        connections.iterator().next().isSsl() ? "h2 (TLS, ALPN)" : "h2c (prior knowledge)", STREAMS, connections.size());
  }

  static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      TimedSubscriber.sleepMs(20);
    }
  }
}
