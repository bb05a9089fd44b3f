package dev.ssegateway.gateway.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What the auth hook forwards, and its cache key")
class HookRequestTest {
  private static HookRequest request(String cookie, String address, String... topics) {
    List<String[]> headers = new ArrayList<>();
    headers.add(new String[] {"Authorization", "Bearer opaque"});
    return new HookRequest(cookie, headers, address, topics, null, null);
  }

  @Test
  @DisplayName("named cookies only when SSE_AUTH_HOOK_COOKIES lists them; all when it is unset")
  void cookieSelection() {
    List<String> sent = List.of("session=abc; _ga=GA1.2.3; theme=dark", "csrf=x");
    assertThat(HookRequest.cookies(sent, Set.of())).isEqualTo("session=abc; _ga=GA1.2.3; theme=dark; csrf=x");
    assertThat(HookRequest.cookies(sent, Set.of("session", "csrf"))).isEqualTo("session=abc; csrf=x");
    assertThat(HookRequest.cookies(sent, Set.of("other"))).isNull();
    assertThat(HookRequest.cookies(List.of(), Set.of())).isNull();
  }

  @Test
  @DisplayName("the cache key differs whenever a cookie, the address or a topic does, and only then")
  void cacheKey() {
    String base = request("session=a", "10.0.0.1", "t1").cacheKey();
    assertThat(request("session=a", "10.0.0.1", "t1").cacheKey()).isEqualTo(base);
    assertThat(request("session=b", "10.0.0.1", "t1").cacheKey()).isNotEqualTo(base);
    assertThat(request(null, "10.0.0.1", "t1").cacheKey()).isNotEqualTo(base);
    assertThat(request("session=a", "10.0.0.2", "t1").cacheKey()).isNotEqualTo(base);
    assertThat(request("session=a", "10.0.0.1", "t1", "t2").cacheKey()).isNotEqualTo(base);
    // Fields are length-prefixed: moving text between them cannot collide.
    assertThat(request("session=a", "10.0.0.1", "t1t2").cacheKey())
        .isNotEqualTo(request("session=a", "10.0.0.1", "t1", "t2").cacheKey());
    HookRequest resumed = new HookRequest("session=a", request("", "", "").headers(), "10.0.0.1",
        new String[] {"t1"}, "1700000000000-5", null);
    assertThat(resumed.cacheKey()).as("the resume id is not part of the key").isEqualTo(base);
  }
}
