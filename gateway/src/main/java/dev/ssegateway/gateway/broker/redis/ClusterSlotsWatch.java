package dev.ssegateway.gateway.broker.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The safety net for Redis Cluster topology changes: reads {@code CLUSTER SLOTS} now and then and
 * tells when the owner of some slot changed. Redis 7 already drops the subscriptions of a slot
 * that moves ({@code sunsubscribe}), which the subscriber follows at once; this catches what such
 * a push would miss (a server that does not send it, a node added between reconnects).
 */
final class ClusterSlotsWatch {
  private final Redis commands;
  private String fingerprint;

  ClusterSlotsWatch(Redis commands) {
    this.commands = commands;
  }

  /** Completes with true when the slot owners differ from the previous successful read. */
  Future<Boolean> changed() {
    return commands.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(r -> {
      String now = fingerprint(r);
      boolean changed = fingerprint != null && !fingerprint.equals(now);
      fingerprint = now;
      return changed;
    });
  }

  /** Each slot range with its master's address, sorted: equal exactly when the owners are. */
  static String fingerprint(Response slots) {
    List<String> ranges = new ArrayList<>(slots.size());
    for (Response range : slots) {
      Response master = range.get(2);
      ranges.add(range.get(0).toLong() + "-" + range.get(1).toLong() + "@" + master.get(0) + ":" + master.get(1));
    }
    ranges.sort(null);
    return String.join(",", ranges);
  }
}
