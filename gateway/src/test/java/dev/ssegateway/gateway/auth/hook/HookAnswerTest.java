package dev.ssegateway.gateway.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Reading the auth backend's answer")
class HookAnswerTest {
  private static HookDecision read(int status, String body) {
    return HookAnswer.read(status, Buffer.buffer(body));
  }

  @Test
  @DisplayName("an allow names the sub and the granted patterns; cacheMs is capped")
  void allow() {
    HookDecision d = read(200, "{\"allow\":true,\"sub\":\"alice\",\"topics\":[\"orders/*\",\"user.alice\"],"
        + "\"cacheMs\":99999999,\"extra\":{\"ignored\":true}}");
    assertThat(d.allowed()).isTrue();
    assertThat(d.principal().user()).isEqualTo("alice");
    assertThat(d.principal().maySubscribe("orders/eu/1")).isTrue();
    assertThat(d.principal().maySubscribe("user.bob")).isFalse();
    assertThat(d.principal().publish()).isEmpty();
    assertThat(d.cacheMs()).isEqualTo(HookAnswer.MAX_CACHE_MS);
    assertThat(read(200, "{\"allow\":true,\"topics\":[]}").principal().user()).isNull();
  }

  @Test
  @DisplayName("denials: allow false (403, or the status it names), or HTTP 401/403 with any body")
  void denials() {
    assertThat(read(200, "{\"allow\":false}").denyStatus()).isEqualTo(403);
    assertThat(read(200, "{\"allow\":false,\"status\":401,\"cacheMs\":5000}")).isEqualTo(HookDecision.deny(401, 5000));
    assertThat(read(401, "<html>").denyStatus()).isEqualTo(401);
    assertThat(read(403, "").denyStatus()).isEqualTo(403);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "null", "[]", "\"allow\"", "{", "{\"allow\":1}", "{\"allow\":null}",
      "{\"allow\":true}", "{\"allow\":true,\"topics\":null}", "{\"allow\":true,\"topics\":{}}",
      "{\"allow\":true,\"topics\":[null]}", "{\"allow\":true,\"topics\":[\"\"]}", "{\"allow\":true,\"topics\":[\"a b\"]}",
      "{\"allow\":true,\"topics\":[],\"sub\":\"\"}", "{\"allow\":true,\"topics\":[],\"sub\":[\"a\"]}",
      "{\"allow\":true,\"topics\":[],\"sub\":\"a\\u0000b\"}", "{\"allow\":true,\"topics\":[],\"cacheMs\":\"5\"}",
      "{\"allow\":true,\"topics\":[],\"cacheMs\":1e3}", "{\"allow\":false,\"status\":\"401\"}",
      "{\"allow\":false,\"status\":500}"})
  @DisplayName("anything else is invalid, never a grant")
  void invalid(String body) {
    assertThatThrownBy(() -> read(200, body)).isInstanceOf(HookAnswer.InvalidAnswer.class);
  }

  @Test
  @DisplayName("statuses other than 200, 401, 403 are invalid; too many patterns or too long a sub too")
  void limits() {
    assertThatThrownBy(() -> read(204, "")).isInstanceOf(HookAnswer.InvalidAnswer.class);
    assertThatThrownBy(() -> read(302, "")).isInstanceOf(HookAnswer.InvalidAnswer.class);
    String many = "[" + "\"t\",".repeat(HookAnswer.MAX_TOPICS) + "\"t\"]";
    assertThatThrownBy(() -> read(200, "{\"allow\":true,\"topics\":" + many + "}"))
        .isInstanceOf(HookAnswer.InvalidAnswer.class).hasMessageContaining("at most");
    String longSub = "s".repeat(HookAnswer.MAX_SUB_LENGTH + 1);
    assertThatThrownBy(() -> read(200, "{\"allow\":true,\"topics\":[],\"sub\":\"" + longSub + "\"}"))
        .isInstanceOf(HookAnswer.InvalidAnswer.class);
  }
}
