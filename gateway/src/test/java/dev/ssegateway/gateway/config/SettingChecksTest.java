package dev.ssegateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Every setting is checked at start, with one line naming the variable, the problem and what is accepted")
class SettingChecksTest {
  @TempDir
  static Path dir;

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(Map.of("SSE_HTTP_PORT", "eighty"), "SSE_HTTP_PORT", "'eighty' is not a whole number"),
        Arguments.of(Map.of("SSE_HTTP_PORT", "70000"), "SSE_HTTP_PORT", "70000 is out of range"),
        Arguments.of(Map.of("SSE_HISTORY_SIZE", "0"), "SSE_HISTORY_SIZE", "0 is out of range"),
        Arguments.of(Map.of("SSE_HISTORY_TTL_MS", "-1"), "SSE_HISTORY_TTL_MS", "-1 is out of range"),
        Arguments.of(Map.of("SSE_LOG_FORMAT", "xml"), "SSE_LOG_FORMAT", "'xml' is not a known value"),
        Arguments.of(Map.of("SSE_REDIS_MODE", "replica"), "SSE_REDIS_MODE", "'replica' is not a known value"),
        Arguments.of(Map.of("SSE_REDIS_MODE", "cluster"), "SSE_REDIS_MODE", "needs SSE_REDIS_URL"),
        Arguments.of(Map.of("SSE_REDIS_URL", "localhost:6379"), "SSE_REDIS_URL", "has no redis:// or rediss:// scheme"),
        Arguments.of(Map.of("SSE_REDIS_URL", "http://localhost:6379"), "SSE_REDIS_URL", "has no redis:// or rediss:// scheme"),
        Arguments.of(Map.of("SSE_REDIS_URL", "redis://:hunter2@h:1,h2:2", "SSE_REDIS_MODE", "cluster"), "SSE_REDIS_URL",
            "'h2:2' has no redis://"),
        Arguments.of(Map.of("SSE_REDIS_URL", "redis://h:1", "SSE_REDIS_PREFIX", "a{b}"), "SSE_REDIS_PREFIX", "contains a brace"),
        Arguments.of(Map.of("SSE_JWT_SECRET", "x"), "SSE_JWT_SECRET", "the secret is 1 bytes long"),
        Arguments.of(Map.of("SSE_JWT_SECRET", "x".repeat(31)), "SSE_JWT_SECRET", "at least 32 bytes"),
        Arguments.of(Map.of("SSE_JWT_PUBLIC_KEY_FILE", "/nonexistent.pem"), "SSE_JWT_PUBLIC_KEY_FILE",
            "'/nonexistent.pem' does not exist"),
        Arguments.of(Map.of("SSE_JWT_ALGORITHM", "HS256"), "SSE_JWT_ALGORITHM", "'HS256' is not a known value"),
        Arguments.of(Map.of("SSE_JWT_JWKS_URL", "file:///etc/jwks.json"), "SSE_JWT_JWKS_URL", "is not an http(s) URL"),
        Arguments.of(Map.of("SSE_CORS_ORIGINS", "*"), "SSE_CORS_ORIGINS", "'*' is a wildcard"),
        Arguments.of(Map.of("SSE_CORS_ORIGINS", "https://a.example,https://*.example"), "SSE_CORS_ORIGINS", "is a wildcard"),
        Arguments.of(Map.of("SSE_CORS_ORIGINS", "app.example.com"), "SSE_CORS_ORIGINS", "is not an origin"),
        Arguments.of(Map.of("SSE_CORS_ORIGINS", "https://app.example.com/"), "SSE_CORS_ORIGINS", "is not an origin"),
        Arguments.of(Map.of("SSE_PUBLIC_TOPICS", "news,bad topic"), "SSE_PUBLIC_TOPICS", "'bad topic' is not a topic pattern"),
        Arguments.of(Map.of("SSE_TLS_CERT", "/c.pem"), "SSE_TLS_KEY", "is unset while SSE_TLS_CERT is set"),
        Arguments.of(Map.of("SSE_TLS_CERT", "/nonexistent-cert.pem", "SSE_TLS_KEY", "/k.pem"), "SSE_TLS_CERT", "does not exist"),
        Arguments.of(Map.of("SSE_CLUSTER_MEMBERS", "10.0.0.1:5701-5703"), "SSE_CLUSTER_MEMBERS", "is not host:port"),
        Arguments.of(Map.of("SSE_CLUSTER_MEMBERS", "a:1", "SSE_CLUSTER_DNS", "svc"), "SSE_CLUSTER_DNS",
            "is set together with SSE_CLUSTER_MEMBERS"),
        Arguments.of(Map.of("SSE_NODE_ID", "node{1}"), "SSE_NODE_ID", "'node{1}' is not valid"),
        Arguments.of(Map.of("SSE_JWT_COOKIE", "a b"), "SSE_JWT_COOKIE", "'a b' is not valid"),
        Arguments.of(Map.of("SSE_EVENT_LOOPS", "0"), "SSE_EVENT_LOOPS", "0 is out of range"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @DisplayName("a bad value is refused")
  @MethodSource("badValues")
  void refused(Map<String, String> env, String variable, String problem) {
    InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> GatewayConfig.from(env));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getMessage()).startsWith(variable + ": ").contains(problem).contains("; accepted: ")
        .doesNotContain("\n").doesNotContain("hunter2");
    assertThat(e.getStackTrace()).as("no stack trace to print").isEmpty();
  }

  @Test
  @DisplayName("the defaults, and a full production-like configuration, are accepted")
  void goodValuesAccepted() throws Exception {
    assertThatCode(() -> GatewayConfig.from(Map.of())).doesNotThrowAnyException();
    Map<String, String> env = new HashMap<>();
    env.put("SSE_REDIS_URL", "rediss://user:pw@redis-0:6379,redis://[::1]:6380");
    env.put("SSE_REDIS_MODE", "cluster");
    env.put("SSE_JWT_SECRET", "x".repeat(32));
    env.put("SSE_JWT_PUBLIC_KEY_FILE", publicKeyPem("EC", "ec.pem").toString());
    env.put("SSE_JWT_ALGORITHM", "ES256");
    env.put("SSE_JWT_JWKS_URL", "https://id.example.com/.well-known/jwks.json");
    env.put("SSE_CORS_ORIGINS", "https://app.example.com, http://localhost:3000");
    env.put("SSE_PUBLIC_TOPICS", "news/*,status");
    env.put("SSE_CLUSTER_MEMBERS", "10.0.0.5:5701,gw-2");
    env.put("SSE_LOG_FORMAT", "json");
    env.put("SSE_HTTP_HOST", "::");
    env.put("SSE_HISTORY_TTL_MS", "0");
    assertThatCode(() -> GatewayConfig.from(env)).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("a JWT key file of the wrong type or not PEM is refused, naming the file")
  void jwtKeyFileContents() throws Exception {
    Path rsa = publicKeyPem("RSA", "rsa.pem");
    InvalidSettingException wrongType = catchThrowableOfType(InvalidSettingException.class, () -> GatewayConfig.from(Map.of(
        "SSE_JWT_PUBLIC_KEY_FILE", rsa.toString(), "SSE_JWT_ALGORITHM", "ES256")));
    assertThat(wrongType.getMessage()).startsWith("SSE_JWT_PUBLIC_KEY_FILE: '" + rsa + "'").contains("EC public key");
    assertThatCode(() -> GatewayConfig.from(Map.of("SSE_JWT_PUBLIC_KEY_FILE", rsa.toString()))).doesNotThrowAnyException();

    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key");
    assertThat(catchThrowableOfType(InvalidSettingException.class, () -> GatewayConfig.from(Map.of(
        "SSE_JWT_PUBLIC_KEY_FILE", garbage.toString()))).getMessage()).contains("holds no PEM block");
  }

  private static Path publicKeyPem(String type, String name) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(type);
    g.initialize(type.equals("RSA") ? 2048 : 256);
    PublicKey key = g.generateKeyPair().getPublic();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    return Files.writeString(dir.resolve(name), pem);
  }
}
