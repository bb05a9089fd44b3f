package dev.ssegateway.gateway.broker.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.BitSet;

/**
 * The safety net for Redis Cluster topology changes: reads {@code CLUSTER SLOTS} now and then and
 * tells which slots changed owner since the previous read. Redis 7 already drops the
 * subscriptions of a slot that moves ({@code sunsubscribe}), and answers {@code MOVED} to a
 * subscription sent to the old owner; both make the subscriber start over at once. This catches
 * what such a push would miss.
 */
final class ClusterSlotsWatch {
  private final Redis commands;
  private String[] owners;

  ClusterSlotsWatch(Redis commands) {
    this.commands = commands;
  }

  /** The slots whose owner differs from the previous successful read (none on the first). */
  Future<BitSet> changedSlots() {
    return commands.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(r -> {
      String[] now = owners(r);
      BitSet changed = new BitSet(HashSlot.SLOTS);
      if (owners != null) {
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
          if (!String.valueOf(now[slot]).equals(String.valueOf(owners[slot]))) {
            changed.set(slot);
          }
        }
      }
      owners = now;
      return changed;
    });
  }

  /** The master's address of every slot (null where no node serves it). */
  static String[] owners(Response slots) {
    String[] owners = new String[HashSlot.SLOTS];
    for (Response range : slots) {
      Response master = range.get(2);
      String owner = master.get(0) + ":" + master.get(1);
      for (int slot = range.get(0).toInteger(); slot <= range.get(1).toInteger(); slot++) {
        owners[slot] = owner;
      }
    }
    return owners;
  }
}
