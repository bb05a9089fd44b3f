package dev.ssegateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The start line states broker, cluster, auth, CORS and public topics, without secrets")
class StartLineTest {

  @Test
  @DisplayName("dev mode: memory broker, alone, no tokens, CORS closed")
  void devMode() {
    String line = StartLine.describe(GatewayConfig.from(Map.of("SSE_NODE_ID", "n1")), "http://localhost:8080/");
    assertThat(line).contains("node n1 ready on http://localhost:8080/", "broker: memory", "cluster: alone",
        "auth: no tokens: anyone may subscribe", "CORS: closed", "public topics: all (no tokens)");
  }

  @Test
  @DisplayName("production: Redis without its password, members, token algorithms, origins, public topics")
  void production() {
    String line = StartLine.describe(GatewayConfig.from(Map.of(
        "SSE_REDIS_URL", "redis://:hunter2@redis:6379", "SSE_CLUSTER_MEMBERS", "gw-1:5701,gw-2:5701",
        "SSE_JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret", "SSE_CORS_ORIGINS", "https://app.example.com",
        "SSE_PUBLIC_TOPICS", "news/*", "SSE_HISTORY_TTL_MS", "0")), "http://localhost:8080/");
    assertThat(line).contains("broker: redis standalone redis://***@redis:6379", "cluster: 'sse-gateway' with members gw-1:5701,gw-2:5701",
        "auth: tokens required, HS256", "CORS: https://app.example.com", "public topics: news/*", "no age limit");
    assertThat(line).doesNotContain("hunter2").doesNotContain("s3cret");
  }
}
