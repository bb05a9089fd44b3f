package dev.ssegateway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.cluster.hazelcast.HazelcastPresence;
import dev.ssegateway.gateway.hub.PresenceTracker;
import dev.ssegateway.gateway.security.Tokens;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("Presence across three real Hazelcast members")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceClusterTest {
  private static final String SECRET = "presence-test-secret-0123456789-abcdefgh";
  private static final int MAX_LISTED = 5;
  private static final String ADMIN_KEY = "presence-test-admin-key";
  private static final int EVENTS_PER_SECOND = 4;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;
  private static Vertx clientVertx;
  private final List<SseClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    nodes = gateways.start(3, null, Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_PUBLIC_TOPICS", "lobby/*",
        "SSE_ADMIN_KEY", ADMIN_KEY,
        "SSE_TRUSTED_PROXIES", "127.0.0.1/32", // lets the key-guessing check come from an address of its own
        "SSE_PRESENCE_MAX_LISTED", Integer.toString(MAX_LISTED),
        "SSE_PRESENCE_EVENTS_PER_SECOND", Integer.toString(EVENTS_PER_SECOND)));
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SseClient::close);
    clients.clear();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    clientVertx.close();
  }

  private static String token(String sub, String... subscribe) {
    return Tokens.hs256(SECRET, Tokens.claims(sub, 300, List.of(subscribe), List.of()));
  }

  private SseClient subscribe(GatewayNode node, String topic, String token, boolean presence) {
    String uri = "/events?topic=" + topic + (presence ? "&presence=1" : "") + (token == null ? "" : "&access_token=" + token);
    SseClient c = SseClient.connect(clientVertx, node.port(), uri);
    clients.add(c);
    return c;
  }

  private static HttpResponse<String> presence(GatewayNode node, String query, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/presence?" + query));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return Http.send(b.GET());
  }

  /** Asks until the answer satisfies {@code until}; returns it, or fails with the last answer. */
  private static JsonObject awaitPresence(GatewayNode node, String topic, Predicate<JsonObject> until) {
    long end = System.currentTimeMillis() + 10_000;
    JsonObject last = null;
    while (System.currentTimeMillis() < end) {
      HttpResponse<String> r = presence(node, "topic=" + topic, Gateways.PUBLISH_KEY);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      last = new JsonObject(r.body());
      if (until.test(last)) {
        return last;
      }
      sleep(50);
    }
    throw new AssertionError("presence of " + topic + " never matched; last: " + last);
  }

  private static List<String> subs(JsonObject page) {
    List<String> subs = new ArrayList<>();
    JsonArray entries = page.getJsonArray("entries");
    for (int i = 0; i < entries.size(); i++) {
      subs.add(entries.getJsonObject(i).getString("sub") + "@" + entries.getJsonObject(i).getString("node"));
    }
    return subs;
  }

  private static List<JsonObject> presenceEvents(SseClient c) {
    return c.events().stream().filter(e -> e.event().equals("sse-presence")).map(SseEvent::data).map(JsonObject::new).toList();
  }

  private static void awaitConnected(SseClient c) {
    long end = System.currentTimeMillis() + 10_000;
    while (!c.isConnected()) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("stream did not open: " + c.statuses());
      }
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("lists identified connections of every node with node and since; anonymous ones are counted, not listed")
  void listsEveryNodeAndCountsAnonymous() {
    long before = System.currentTimeMillis();
    subscribe(nodes.get(0), "lobby/a", token("alice", "lobby/*"), false);
    subscribe(nodes.get(1), "lobby/a", token("bob", "lobby/*"), false);
    subscribe(nodes.get(1), "lobby/a", null, false);
    subscribe(nodes.get(2), "lobby/a", null, false);

    JsonObject page = awaitPresence(nodes.get(2), "lobby/a", p -> p.getInteger("total") == 4);
    assertThat(page.getInteger("anonymous")).isEqualTo(2);
    assertThat(subs(page)).containsExactlyInAnyOrder("alice@node-1", "bob@node-2");
    assertThat(page.getJsonArray("entries").getJsonObject(0).getLong("since")).isBetween(before, System.currentTimeMillis());
    assertThat(page.getInteger("nodes")).isEqualTo(3);
  }

  @Test
  @DisplayName("join and leave events of a connection on another node arrive in a stream that asked for them")
  void joinAndLeaveEventsCrossNodes() {
    SseClient carol = subscribe(nodes.get(0), "room/1", token("carol", "room/*"), true);
    awaitConnected(carol);
    SseClient plain = subscribe(nodes.get(0), "room/1", token("erin", "room/*"), false);
    awaitConnected(plain);
    SseClient dave = subscribe(nodes.get(1), "room/1", token("dave", "room/*"), false);
    awaitConnected(dave);
    carol.awaitEvents(e -> presenceEvents(carol).stream()
        .anyMatch(j -> j.getString("sub").equals("dave") && j.getString("action").equals("join")), Duration.ofSeconds(5));
    dave.close();
    carol.awaitEvents(e -> presenceEvents(carol).stream()
        .anyMatch(j -> j.getString("sub").equals("dave") && j.getString("action").equals("leave")), Duration.ofSeconds(5));
    JsonObject join = presenceEvents(carol).stream().filter(j -> j.getString("sub").equals("dave")).findFirst().orElseThrow();
    assertThat(join.getString("topic")).isEqualTo("room/1");
    assertThat(join.getString("node")).isEqualTo("node-2");
    assertThat(plain.events()).as("a stream that did not ask gets no presence events")
        .noneMatch(e -> e.event().equals("sse-presence"));
  }

  @Test
  @DisplayName("pages are bounded and stable; each node lists at most SSE_PRESENCE_MAX_LISTED, the rest are counted")
  void pagingAndListCap() {
    for (int i = 0; i < 7; i++) {
      subscribe(nodes.get(0), "lobby/big", token("u" + i, "lobby/*"), false);
    }
    for (int i = 7; i < 9; i++) {
      subscribe(nodes.get(1), "lobby/big", token("u" + i, "lobby/*"), false);
    }
    JsonObject all = awaitPresence(nodes.get(2), "lobby/big", p -> p.getInteger("total") == 9);
    assertThat(all.getInteger("listed")).isEqualTo(MAX_LISTED + 2);
    assertThat(all.getInteger("unlisted")).isEqualTo(2);

    List<String> paged = new ArrayList<>();
    Integer offset = 0;
    int pages = 0;
    while (offset != null) {
      HttpResponse<String> r = presence(nodes.get(2), "topic=lobby/big&limit=3&offset=" + offset, Gateways.PUBLISH_KEY);
      JsonObject page = new JsonObject(r.body());
      assertThat(page.getJsonArray("entries").size()).isLessThanOrEqualTo(3);
      assertThat(page.getInteger("total")).isEqualTo(9);
      paged.addAll(subs(page));
      offset = page.getInteger("nextOffset");
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(paged).hasSize(MAX_LISTED + 2).doesNotHaveDuplicates();
    assertThat(paged).contains("u7@node-2", "u8@node-2");
    assertThat(presence(nodes.get(0), "topic=lobby/big&limit=1001", Gateways.PUBLISH_KEY).statusCode()).isEqualTo(400);
    assertThat(presence(nodes.get(0), "topic=lobby/big&offset=-1", Gateways.PUBLISH_KEY).statusCode()).isEqualTo(400);
    assertThat(presence(nodes.get(0), "limit=3", Gateways.PUBLISH_KEY).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("join events beyond SSE_PRESENCE_EVENTS_PER_SECOND per topic and node are dropped, and counted")
  void eventsAreCappedPerSecond() {
    // The flood joins on node-3, where no other test has identified connections: its count is clean.
    SseClient watcher = subscribe(nodes.get(0), "lobby/flood", null, true);
    awaitConnected(watcher);
    double droppedBefore = dropped(nodes.get(2));
    long start = System.currentTimeMillis();
    List<SseClient> flood = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      flood.add(subscribe(nodes.get(2), "lobby/flood", token("f" + i, "lobby/*"), false));
    }
    flood.forEach(PresenceClusterTest::awaitConnected);
    long seconds = (System.currentTimeMillis() - start) / 1000 + 1;
    awaitPresence(nodes.get(1), "lobby/flood", p -> p.getInteger("total") == 21);
    sleep(600); // the last flush's events arrive
    long joins = presenceEvents(watcher).stream().filter(j -> j.getString("action").equals("join")).count();
    System.out.printf("presence cap: 20 joins in %d s window(s) -> %d join events delivered, %s dropped%n",
        seconds, joins, dropped(nodes.get(2)) - droppedBefore);
    assertThat(joins).isGreaterThan(0).isLessThanOrEqualTo((seconds + 1) * EVENTS_PER_SECOND);
    assertThat(dropped(nodes.get(2)) - droppedBefore).isEqualTo(20 - joins);
  }

  @Test
  @DisplayName("a topic with 100,002 identified subscribers over three members: total exact, list capped at 1,000 per member")
  void hundredThousandSubscribers() {
    // The bookkeeping of 33,334 streams per member, fed straight into real Hazelcast shares with the
    // default cap (this class's nodes use a cap of 5): what GET /presence reads for such a topic.
    String[] topic = {"lobby/huge"};
    List<PresenceTracker> trackers = new ArrayList<>();
    List<HazelcastPresence> shares = new ArrayList<>();
    long[][] ids = new long[nodes.size()][33_334];
    for (GatewayNode node : nodes) {
      HazelcastPresence presence = Gateways.await(HazelcastPresence.start(node.vertx(), node.cluster().hazelcast(), 50));
      shares.add(presence);
      PresenceTracker tracker = new PresenceTracker(presence, node.config().nodeId(), 1000, 50);
      for (int i = 0; i < 33_334; i++) {
        ids[trackers.size()][i] = tracker.join(topic, node.config().nodeId() + "-user-" + i, System.currentTimeMillis());
      }
      long t0 = System.nanoTime();
      tracker.flush(System.currentTimeMillis(), false);
      long first = System.nanoTime() - t0;
      for (int k = 0; k < 20; k++) { // warm: what a steady node pays per flush of this topic
        tracker.flush(System.currentTimeMillis(), true);
      }
      t0 = System.nanoTime();
      tracker.flush(System.currentTimeMillis(), true);
      System.out.printf("presence 100k: %s flush of a 1,000-entry share: first %.2f ms, warm %.2f ms (caller's thread)%n",
          node.config().nodeId(), first / 1e6, (System.nanoTime() - t0) / 1e6);
      trackers.add(tracker);
    }
    JsonObject first = awaitPresence(nodes.get(0), "lobby/huge", p -> p.getInteger("total") == 100_002);
    assertThat(first.getInteger("listed")).isEqualTo(3000);
    assertThat(first.getInteger("unlisted")).isEqualTo(100_002 - 3000);
    long[] ms = new long[20];
    int bytes = 0;
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = presence(nodes.get(i % 3), "topic=lobby/huge&limit=1000&offset=1000", Gateways.PUBLISH_KEY);
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      bytes = r.body().length();
      assertThat(new JsonObject(r.body()).getJsonArray("entries")).hasSize(1000);
    }
    java.util.Arrays.sort(ms);
    System.out.printf("presence 100k: GET /presence limit=1000 over 3 shares: median %d ms, max %d ms, %d bytes%n",
        ms[ms.length / 2], ms[ms.length - 1], bytes);
    for (int n = 0; n < trackers.size(); n++) {
      for (int i = 0; i < 33_334; i++) {
        trackers.get(n).leave(ids[n][i], topic, nodes.get(n).config().nodeId() + "-user-" + i);
      }
      trackers.get(n).flush(System.currentTimeMillis(), false);
      Gateways.await(shares.get(n).close(nodes.get(n).vertx()));
    }
    awaitPresence(nodes.get(0), "lobby/huge", p -> p.getInteger("total") == 0);
  }

  private static double dropped(GatewayNode node) {
    return node.services().presence().tracker().droppedEvents();
  }

  @Test
  @DisplayName("authorized like subscribe: no token 401, a token without the grant 403, a public topic anonymously")
  void authorization() {
    assertThat(presence(nodes.get(0), "topic=room/secret", null).statusCode()).isEqualTo(401);
    HttpResponse<String> forbidden = presence(nodes.get(0), "topic=room/secret", token("mallory", "lobby/*"));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(forbidden.body()).getString("error")).isEqualTo("forbidden_topic");
    assertThat(presence(nodes.get(0), "topic=room/secret", token("trent", "room/*")).statusCode()).isEqualTo(200);
    assertThat(presence(nodes.get(0), "topic=room/secret", Gateways.PUBLISH_KEY).statusCode()).isEqualTo(200);
    assertThat(presence(nodes.get(0), "topic=room/secret", ADMIN_KEY).statusCode()).isEqualTo(200);
    assertThat(presence(nodes.get(0), "topic=lobby/open", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("guessing the keys through /presence runs into the failed-authentication budget (429)")
  void keyGuessesAreLimited() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      statuses.add(Http.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + nodes.get(0).port() + "/presence?topic=room/secret"))
          .header("Authorization", "Bearer guess-" + i).header("X-Forwarded-For", "203.0.113.9").GET()).statusCode());
    }
    assertThat(statuses).startsWith(401).contains(429).containsOnly(401, 429);
    assertThat(Http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + nodes.get(0).port() + "/presence?topic=room/secret"))
        .header("Authorization", "Bearer " + Gateways.PUBLISH_KEY).header("X-Forwarded-For", "203.0.113.9").GET())
        .statusCode()).as("even the right key, while the address is blocked").isEqualTo(429);
  }

  @Test
  @Order(Integer.MAX_VALUE) // kills a node: runs last
  @DisplayName("a crashed node's entries vanish from every survivor's answer within seconds")
  void crashedNodeVanishes() {
    SseClient frank = subscribe(nodes.get(0), "lobby/crash", token("frank", "lobby/*"), true);
    awaitConnected(frank);
    subscribe(nodes.get(1), "lobby/crash", token("eve", "lobby/*"), false);
    subscribe(nodes.get(1), "lobby/crash", null, false);
    awaitPresence(nodes.get(0), "lobby/crash", p -> p.getInteger("total") == 3);

    long crashed = System.currentTimeMillis();
    gateways.crash(nodes.get(1));
    JsonObject after = awaitPresence(nodes.get(0), "lobby/crash", p -> p.getInteger("total") == 1);
    long goneMs = System.currentTimeMillis() - crashed;
    System.out.printf("presence: crashed node's entries gone from a survivor's answer %d ms after the crash%n", goneMs);
    assertThat(subs(after)).containsExactly("frank@node-1");
    assertThat(after.getInteger("anonymous")).isZero();
    assertThat(goneMs).as("within seconds").isLessThan(10_000);
    assertThat(awaitPresence(nodes.get(2), "lobby/crash", p -> p.getInteger("total") == 1).getInteger("nodes")).isEqualTo(1);
    frank.awaitEvents(e -> presenceEvents(frank).stream().anyMatch(j -> j.getString("sub").equals("eve")
        && j.getString("action").equals("leave") && j.getString("node").equals("node-2")), Duration.ofSeconds(5));
    assertThat(presenceEvents(frank).stream().filter(j -> j.getString("action").equals("leave")).count())
        .as("one survivor speaks for the dead node: one leave, not one per survivor").isEqualTo(1);
  }
}
