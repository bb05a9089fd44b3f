package dev.ssegateway.gateway.broker.redis;

import dev.ssegateway.gateway.broker.HistoryGap;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.publisher.WireMessage;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Reads a topic's history from its Redis Stream with {@code read.lua}. */
final class HistoryReader {
  private static final String SCRIPT = load();
  private static final String SHA1 = sha1(SCRIPT);

  private final Redis redis;
  private final String prefix;
  private final long maxAgeMs;

  HistoryReader(Redis redis, String prefix, long maxAgeMs) {
    this.redis = redis;
    this.prefix = prefix;
    this.maxAgeMs = maxAgeMs;
  }

  Future<HistoryPage> readAfter(String topic, EventId after, int limit) {
    return redis.send(request(Command.EVALSHA, SHA1, topic, after, limit))
        .recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, SCRIPT, topic, after, limit))
            : Future.failedFuture(e))
        .map(r -> parse(r, after, limit));
  }

  private Request request(Command command, String script, String topic, EventId after, int limit) {
    return Request.cmd(command).arg(script).arg(1).arg(WireFormat.historyKey(prefix, topic))
        .arg(after == null ? "" : after.toString()).arg(Math.max(limit, 1)).arg(maxAgeMs);
  }

  private static HistoryPage parse(Response r, EventId after, int limit) {
    if (r.get(0).toInteger() == 0) {
      boolean gap = after != null && HistoryGap.isGap(after, false, EventId.ZERO, EventId.ZERO);
      return new HistoryPage(List.of(), gap, null, EventId.ZERO, false, false);
    }
    EventId lastGenerated = EventId.parse(r.get(1).toString());
    EventId maxDeleted = EventId.parse(r.get(2).toString());
    String oldest = r.get(3).toString();
    boolean headIsClose = r.get(4).toInteger() == 1;
    if (after == null) {
      return new HistoryPage(List.of(), false, EventId.parse(oldest), lastGenerated, headIsClose, false);
    }
    Response entries = r.get(5);
    int wanted = Math.max(limit, 1);
    int count = Math.min(entries.size(), wanted);
    List<WireMessage> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Response entry = entries.get(i);
      Response fields = entry.get(1);
      Map<String, String> map = new HashMap<>();
      for (int j = 0; j + 1 < fields.size(); j += 2) {
        map.put(fields.get(j).toString(), fields.get(j + 1).toString());
      }
      events.add(WireMessage.fromStreamEntry(entry.get(0).toString(), map));
    }
    boolean gap = HistoryGap.isGap(after, true, lastGenerated, maxDeleted)
        || lostElsewhere(after, r.get(6).toInteger() == 1, maxDeleted, r.get(7).toLong(), r.get(8).toLong());
    return new HistoryPage(events, gap, EventId.parse(oldest), lastGenerated, headIsClose, entries.size() > wanted);
  }

  /**
   * What {@link HistoryGap} cannot see from the stream's counters alone. A client's id that this
   * stream issued is either still kept or at most its max-deleted-entry-id; any other id came from
   * a history that is gone (a Redis restart without persistence, a failover that lost the newest
   * writes, an expired and re-created topic), and what followed it there is lost. A client at
   * {@link EventId#ZERO} has lost whatever was removed from the stream's start.
   */
  static boolean lostElsewhere(EventId after, boolean afterKept, EventId maxDeleted, long entriesAdded, long length) {
    if (after.equals(EventId.ZERO)) {
      return entriesAdded > length;
    }
    return !afterKept && after.isAfter(maxDeleted);
  }

  private static String load() {
    try (InputStream in = HistoryReader.class.getResourceAsStream("read.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
