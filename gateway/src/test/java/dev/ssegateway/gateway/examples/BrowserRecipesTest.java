package dev.ssegateway.gateway.examples;

import static dev.ssegateway.gateway.examples.RecipeGateway.SECRET;
import static dev.ssegateway.gateway.examples.RecipeGateway.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two browser clients: plain EventSource with cookie auth (examples/browser, in headless
 * Chromium through {@code src/test/js/recipe-browser.mjs}) and {@code @microsoft/fetch-event-source}
 * with a header (examples/node/fetch-event-source.mjs, under Node). See {@link RecipeGateway}.
 */
@DisplayName("Browser client recipes: EventSource with a cookie, fetch-event-source with a header")
class BrowserRecipesTest {
  private static RecipeGateway gw;

  @BeforeAll
  static void start() {
    gw = RecipeGateway.start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @DisplayName("a browser EventSource on the app's origin, authenticated by an HttpOnly cookie for the site, follows its topic, renews the cookie when the token expires and resumes from its last id")
  void browserFollowsWithCookieAndRenewsIt() {
    Runtimes.requireBrowser();
    String topic = "orders/42";
    String renewed = Hs256.token(SECRET, "alice", 600, List.of("orders/*"));
    try (RecipeProcess page = browser(topic, renewed, 2)) {
      page.awaitLine("browser ready"::equals, WAIT);
      // Long enough to load the page and open the stream, short enough to see it expire.
      page.send(Hs256.token(SECRET, "alice", 4, List.of("orders/*")));
      page.awaitLine("open last-event-id=-"::equals, WAIT);
      String one = gw.publish(topic, "one", null, false);
      page.awaitLine("token expired, renewing the cookie"::equals, WAIT);
      String two = gw.publish(topic, "two", "created", false); // while it renews: replayed on reopen
      assertThat(withoutDiagnostics(page.awaitExit(WAIT))).containsExactly(
          "browser ready",
          "open last-event-id=-",
          "event id=" + one + " name=message data=one",
          "token expired, renewing the cookie",
          "open last-event-id=" + one,
          "event id=" + two + " name=created data=two",
          "cookie renewed");
    }
  }

  @Test
  @DisplayName("a browser without the cookie is refused, and the recipe says so instead of retrying")
  void browserWithoutCookieIsRefused() {
    Runtimes.requireBrowser();
    try (RecipeProcess page = browser("orders/43", "-", 1)) {
      page.awaitLine("browser ready"::equals, WAIT);
      page.send("-");
      assertThat(withoutDiagnostics(page.awaitExit(WAIT)))
          .containsExactly("browser ready", "stop the gateway refused the stream", "cookie none");
    }
  }

  @Test
  @DisplayName("fetch-event-source sends the header, skips data-less blocks, reconnects with Last-Event-ID when the server ends the stream, and renews an expired token")
  void fetchEventSourceFollowsAcrossServerCloseAndTokenExpiry() {
    Runtimes.requireNodePackage("@microsoft/fetch-event-source");
    String topic = "fes.follow";
    // Valid long enough to open the stream and take the first three events (about 1 s here).
    String expiring = Hs256.token(SECRET, "recipes", 5, List.of(topic));
    Map<String, String> env = Map.of("SSE_TOKEN", expiring, "SSE_TOKEN_RENEWED", gw.token(topic), "MAX_EVENTS", "4");
    try (RecipeProcess fes = RecipeProcess.start("fetch-event-source", RecipeGateway.dir("node"), env,
        List.of("node", "fetch-event-source.mjs", gw.base() + "/events?topic=" + topic))) {
      fes.awaitLine("open 200"::equals, WAIT);
      String one = gw.publish(topic, "one", null, false);
      String closing = gw.publish(topic, "two", null, true);
      // Published well within the RETRY_MS it waits before it resumes: had it resumed first, the
      // topic's newest event would be the closing one and it would get 204.
      String after = gw.publish(topic, "three", "created", false);
      fes.awaitLine("token expired, renewing it"::equals, WAIT);
      String renewed = gw.publish(topic, "four", null, false); // while it renews: replayed on resume
      List<String> out = fes.awaitExit(WAIT);
      assertThat(out.subList(0, out.size() - 1)).containsExactly(
          "open 200",
          "event id=" + one + " name=message data=one",
          "event id=" + closing + " name=message data=two",
          "server closed the stream, reconnecting",
          "open 200",
          "event id=" + after + " name=created data=three",
          "token expired, renewing it",
          "open 200",
          "event id=" + renewed + " name=message data=four",
          "stop max events reached");
      // The ":ok" comment, the retry: line and the opening id-only block of each stream reached
      // onmessage: without the recipe's check they would have been taken for events.
      String skipped = out.get(out.size() - 1);
      assertThat(skipped).matches("skipped \\d+ data-less blocks");
      assertThat(Integer.parseInt(skipped.split(" ")[1])).isGreaterThan(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {204, 401, 403})
  @DisplayName("fetch-event-source stops at once on 204, 401 and 403 instead of retrying forever")
  void fetchEventSourceStopsOnFinalAnswers(int status) {
    Runtimes.requireNodePackage("@microsoft/fetch-event-source");
    String topic = "fes.final." + status;
    String token = switch (status) {
      case 401 -> "not-a-token";
      case 403 -> gw.token("some.other.topic");
      default -> gw.token(topic);
    };
    if (status == 204) {
      gw.publish(topic, "the end", null, true); // a topic whose newest event closed it
    }
    try (RecipeProcess fes = RecipeProcess.start("fetch-event-source-" + status, RecipeGateway.dir("node"),
        Map.of("SSE_TOKEN", token), List.of("node", "fetch-event-source.mjs", gw.base() + "/events?topic=" + topic))) {
      List<String> out = fes.awaitExit(WAIT);
      assertThat(out).hasSize(3);
      assertThat(out.get(0)).isEqualTo("open " + status);
      assertThat(out.get(1)).startsWith("stop " + status);
      assertThat(out.get(2)).isEqualTo("skipped 0 data-less blocks");
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * The browser harness: the page on http://app.example.test:APP_PORT, the gateway as
   * http://events.example.test:PORT (Chromium maps both names to 127.0.0.1), the cookie for the
   * site example.test.
   */
  private static RecipeProcess browser(String topic, String renewal, int maxEvents) {
    return RecipeProcess.startInteractive("browser", Runtimes.BROWSER_HARNESS, Map.of(),
        List.of("node", "recipe-browser.mjs", Integer.toString(gw.appPort()),
            "http://events.example.test:" + gw.node().port(), "example.test",
            Runtimes.EXAMPLES.resolve("browser").toString(), topic, renewal, Integer.toString(maxEvents)));
  }

  /** Drops Chromium's console errors, printed to explain failures (a refused stream logs one). */
  private static List<String> withoutDiagnostics(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("console error ")).toList();
  }
}
