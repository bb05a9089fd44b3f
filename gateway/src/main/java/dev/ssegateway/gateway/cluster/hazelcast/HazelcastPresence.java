package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.topic.ITopic;
import dev.ssegateway.gateway.cluster.Presence;
import dev.ssegateway.gateway.cluster.PresenceEvent;
import dev.ssegateway.gateway.cluster.PresenceSlice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Hazelcast: one IMap entry per (topic, member), {@code topic|memberUuid}, written only
 * by its member, so that writes never contend. A read asks for the entries of the members in the
 * current member list: a member that died is left out as soon as Hazelcast drops it (a second or so
 * after its sockets close, at most SSE's 8 s heartbeat timeout when the host vanished), the
 * survivors delete its entries, and each entry's time-to-live is the last safety net. Join/leave
 * events go over one ITopic to every member.
 *
 * <p>Only asynchronous calls run on the caller's thread; the one blocking call (deleting a dead
 * member's entries, which visits every partition) runs on a worker.
 */
public final class HazelcastPresence implements Presence {
  private static final Logger log = LoggerFactory.getLogger(HazelcastPresence.class);
  static final String PRESENCE_MAP = "sse-presence";
  static final String EVENTS_TOPIC = "sse-presence-events";
  /** Shares are refreshed every NodePresence.REFRESH_MS (20 s): three missed refreshes and they expire. */
  static final long TTL_MS = 60_000;
  private static final char SEPARATOR = '|'; // not allowed in topic names
  static final int MAX_DEAD_LEAVES = 10_000;
  /** Survivors other than the oldest delete a dead member's shares after this, as a backstop. */
  static final long FOLLOWER_CLEANUP_DELAY_MS = 10_000;
  static final int LEAVES_PER_MESSAGE = 1000;

  private final HazelcastInstance hz;
  private final IMap<String, String> shares;
  private final ITopic<String> events;
  private final String memberKey;
  private volatile Consumer<List<PresenceEvent>> receiver = list -> {};
  private final UUID messageListener;
  private final UUID membershipListener;

  private HazelcastPresence(Vertx vertx, HazelcastInstance hz, int leavesPerTopic) {
    this.hz = hz;
    // Every write renews the time-to-live; one batched write per flush cannot carry its own.
    hz.getConfig().addMapConfig(new MapConfig(PRESENCE_MAP).setTimeToLiveSeconds((int) (TTL_MS / 1000)));
    this.shares = hz.getMap(PRESENCE_MAP);
    this.events = hz.getTopic(EVENTS_TOPIC);
    this.memberKey = hz.getCluster().getLocalMember().getUuid().toString();
    // Registered here, on a worker: registering a listener waits on the other members.
    this.messageListener = events.addMessageListener(m -> {
      try {
        receiver.accept(PresenceEvent.decodeAll(m.getMessageObject()));
      } catch (RuntimeException e) {
        log.warn("Dropped a malformed presence message: {}", e.toString());
      }
    });
    this.membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {}

      @Override
      public void memberRemoved(MembershipEvent e) {
        String dead = e.getMember().getUuid().toString();
        // The oldest survivor reads the dead member's shares (to announce the leaves), then deletes
        // them; the others delete later, in case it dies too, not before it has read them.
        boolean oldest = oldestMember();
        vertx.setTimer(oldest ? 1 : FOLLOWER_CLEANUP_DELAY_MS, t -> vertx.executeBlocking(() -> {
          if (!hz.getLifecycleService().isRunning()) {
            return null; // this member is stopping too (a whole cluster shutting down)
          }
          OfMember ofDead = new OfMember(dead);
          if (oldest) {
            announceLeaves(shares.entrySet(ofDead), leavesPerTopic);
          }
          shares.removeAll(ofDead);
          return null;
        }, false).onFailure(x -> log.warn("Removing presence of member {} failed (its entries expire): {}",
            dead, x.getMessage())));
      }
    });
  }

  /**
   * Sets up on a worker: getting a distributed object may wait on the cluster.
   *
   * @param leavesPerTopic most leave events announced per topic for the listed connections of a
   *     member that died (its clients reconnect elsewhere and join again)
   */
  public static Future<HazelcastPresence> start(Vertx vertx, HazelcastInstance hz, int leavesPerTopic) {
    return vertx.executeBlocking(() -> new HazelcastPresence(vertx, hz, leavesPerTopic));
  }

  /** Stops receiving events and membership changes (on a worker: it waits on the cluster). */
  public Future<Void> close(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      events.removeMessageListener(messageListener);
      hz.getCluster().removeMembershipListener(membershipListener);
      return null;
    }, false);
  }

  /** One member speaks for the dead, so that listeners get each leave once. */
  private boolean oldestMember() {
    return hz.getCluster().getMembers().iterator().next().localMember();
  }

  /**
   * A dead member cannot say its connections left: the oldest survivor announces a leave for each
   * connection it listed, at most {@code perTopic} per topic and {@value #MAX_DEAD_LEAVES} in all,
   * in messages of {@value #LEAVES_PER_MESSAGE}.
   */
  private void announceLeaves(Set<Map.Entry<String, String>> deadShares, int perTopic) {
    List<PresenceEvent> leaves = new ArrayList<>();
    for (Map.Entry<String, String> e : deadShares) {
      String topic = e.getKey().substring(0, e.getKey().lastIndexOf(SEPARATOR));
      PresenceSlice slice = PresenceSlice.decode(e.getValue());
      slice.listed().stream().limit(Math.min(perTopic, MAX_DEAD_LEAVES - leaves.size()))
          .forEach(entry -> leaves.add(new PresenceEvent(topic, entry.sub(), entry.node(), PresenceEvent.LEAVE)));
    }
    for (int i = 0; i < leaves.size(); i += LEAVES_PER_MESSAGE) {
      announce(leaves.subList(i, Math.min(leaves.size(), i + LEAVES_PER_MESSAGE)));
    }
  }

  @Override
  public void write(Map<String, PresenceSlice> slices) {
    try {
      writeShares(slices);
    } catch (RuntimeException e) {
      // A member that stopped throws at once: the shares go with it, nothing to retry.
      log.debug("Writing presence failed: {}", e.toString());
    }
  }

  private void writeShares(Map<String, PresenceSlice> slices) {
    Map<String, String> set = new HashMap<>();
    slices.forEach((topic, slice) -> {
      String key = topic + SEPARATOR + memberKey;
      if (slice != null) {
        set.put(key, slice.encode());
      } else {
        shares.deleteAsync(key).exceptionally(e -> {
          log.debug("Removing presence of {} failed (it expires): {}", topic, e.getMessage());
          return null;
        });
      }
    });
    if (!set.isEmpty()) {
      shares.setAllAsync(set).exceptionally(e -> {
        log.debug("Writing presence of {} topics failed: {}", set.size(), e.getMessage());
        return null;
      });
    }
  }

  @Override
  public void announce(List<PresenceEvent> list) {
    try {
      events.publishAsync(PresenceEvent.encodeAll(list)).exceptionally(e -> {
        log.debug("Announcing {} presence events failed: {}", list.size(), e.getMessage());
        return null;
      });
    } catch (RuntimeException e) {
      log.debug("Announcing {} presence events failed: {}", list.size(), e.toString());
    }
  }

  @Override
  public void onEvents(Consumer<List<PresenceEvent>> receiver) {
    this.receiver = receiver;
  }

  @Override
  public Future<List<PresenceSlice>> slices(String topic) {
    List<Future<String>> reads = new ArrayList<>();
    try {
      for (Member m : hz.getCluster().getMembers()) {
        reads.add(Future.fromCompletionStage(shares.getAsync(topic + SEPARATOR + m.getUuid())));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e); // the member is not running
    }
    return Future.all(reads).map(all -> {
      List<PresenceSlice> slices = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        String json = all.resultAt(i);
        if (json != null) {
          slices.add(PresenceSlice.decode(json));
        }
      }
      return slices;
    });
  }

  /** Entries written by one member (keys end with its UUID). */
  static final class OfMember implements Predicate<String, String> {
    private static final long serialVersionUID = 1L;
    private final String suffix;

    OfMember(String member) {
      this.suffix = SEPARATOR + member;
    }

    @Override
    public boolean apply(Map.Entry<String, String> entry) {
      return entry.getKey().endsWith(suffix);
    }
  }
}
