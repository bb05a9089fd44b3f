package dev.ssegateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SSE_AUTH_HOOK_* settings are checked at start")
class AuthHookSettingsTest {
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "SSE_AUTH_HOOK_URL|app:8000/authorize|is not an http(s) URL",
      "SSE_AUTH_HOOK_URL|file:///etc/passwd|is not an http(s) URL",
      "SSE_AUTH_HOOK_URL|http://user:pw@app/authorize|is not an http(s) URL without user info",
      "SSE_AUTH_HOOK_HEADERS|Authorization,Host|'Host' cannot be forwarded",
      "SSE_AUTH_HOOK_HEADERS|Content-Length|'Content-Length' cannot be forwarded",
      "SSE_AUTH_HOOK_HEADERS|Cookie|'Cookie' cannot be forwarded",
      "SSE_AUTH_HOOK_HEADERS|X Bad|'X Bad' cannot be forwarded",
      "SSE_AUTH_HOOK_COOKIES|a b|'a b' is not a cookie name",
      "SSE_AUTH_HOOK_TIMEOUT_MS|0|0 is out of range",
      "SSE_AUTH_HOOK_CACHE_SIZE|-1|-1 is out of range",
      "SSE_AUTH_HOOK_BREAKER_FAILURES|0|0 is out of range",
      "SSE_AUTH_HOOK_BREAKER_OPEN_MS|10|10 is out of range"})
  @DisplayName("a bad value stops the node with one line naming it")
  void refused(String env, String value, String problem) {
    assertThatThrownBy(() -> GatewayConfig.from(Map.of(env, value)))
        .hasMessageContaining(env).hasMessageContaining(problem);
  }

  @Test
  @DisplayName("a good hook configuration starts, and the start line names the hook without its query string")
  void accepted() {
    assertThatCode(() -> GatewayConfig.from(Map.of("SSE_AUTH_HOOK_URL", "https://app.example.com/sse/authorize?key=s3cret",
        "SSE_AUTH_HOOK_HEADERS", "Authorization,X-Requested-With", "SSE_AUTH_HOOK_COOKIES", "session,csrf")))
        .doesNotThrowAnyException();
    GatewayConfig config = GatewayConfig.from(Map.of("SSE_AUTH_HOOK_URL", "https://app.example.com/sse/authorize?key=s3cret"));
    String line = StartLine.describe(config, "http://127.0.0.1:8080");
    assertThat(line).contains("auth hook https://app.example.com/sse/authorize decides").doesNotContain("s3cret")
        .contains("public topics: none");
  }
}
