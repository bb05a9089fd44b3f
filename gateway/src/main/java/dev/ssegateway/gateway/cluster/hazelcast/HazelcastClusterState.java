package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.ssegateway.gateway.cluster.ClusterState;
import dev.ssegateway.gateway.cluster.ClusterStats;
import dev.ssegateway.gateway.cluster.CursorOwner;
import dev.ssegateway.gateway.cluster.NodeReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state in an embedded Hazelcast member. Counts live in an IMap keyed by member UUID:
 * when a member dies, the survivors remove its entry (seen within a second of the death), and a
 * time-to-live on each entry is the safety net should that event be missed.
 *
 * <p>Hazelcast calls never run on an event loop: writes use the async API, reads run on a worker.
 */
public final class HazelcastClusterState implements ClusterState {
  private static final Logger log = LoggerFactory.getLogger(HazelcastClusterState.class);
  static final String NODES_MAP = "sse-nodes";
  static final String LAST_IDS_MAP = "sse-last-ids";
  static final String CURSORS_MAP = "sse-cursors";
  static final String CURSOR_OWNERS_MAP = "sse-cursor-owners";
  static final String USERS_MAP = "sse-user-connections";

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, String> nodes;
  private final IMap<String, String> lastIds;
  private final IMap<String, String> cursors;
  private final IMap<String, String> cursorOwners;
  private final int maxCursorsPerOwner;
  private final IMap<String, String> users;
  private final String memberKey;
  private final long reportTtlMs;
  private Map<String, String> lastIdsWritten = new HashMap<>();

  private HazelcastClusterState(Vertx vertx, HazelcastInstance hz, long reportTtlMs, int maxCursorsPerOwner) {
    this.vertx = vertx;
    this.hz = hz;
    this.nodes = hz.getMap(NODES_MAP);
    this.lastIds = hz.getMap(LAST_IDS_MAP);
    this.cursors = hz.getMap(CURSORS_MAP);
    this.cursorOwners = hz.getMap(CURSOR_OWNERS_MAP);
    this.maxCursorsPerOwner = maxCursorsPerOwner;
    this.users = hz.getMap(USERS_MAP);
    this.memberKey = hz.getCluster().getLocalMember().getUuid().toString();
    this.reportTtlMs = reportTtlMs;
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        log.info("Cluster member joined: {}", e.getMember().getAddress());
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        log.info("Cluster member left: {}; removing its counts", e.getMember().getAddress());
        nodes.removeAsync(e.getMember().getUuid().toString());
        String dead = e.getMember().getUuid().toString();
        // Off the event thread: executeOnEntries visits every partition.
        vertx.executeBlocking(() -> {
          users.executeOnEntries(new UserSlots.ForgetMember(dead));
          return null;
        }, false);
      }
    });
  }

  /** Starts the member on a worker thread (it takes seconds and blocks). */
  public static Future<HazelcastClusterState> start(Vertx vertx, Config config, long reportTtlMs, int maxCursorsPerOwner) {
    return vertx.executeBlocking(() ->
        new HazelcastClusterState(vertx, Hazelcast.newHazelcastInstance(config), reportTtlMs, maxCursorsPerOwner));
  }

  @Override
  public void report(NodeReport report) {
    nodes.putAsync(memberKey, report.toJson(), reportTtlMs, TimeUnit.MILLISECONDS);
    // Batched: only ids that changed since the last report, in one call.
    Map<String, String> changed = new HashMap<>();
    report.lastIds().forEach((t, id) -> {
      if (!id.equals(lastIdsWritten.get(t))) {
        changed.put(t, id);
      }
    });
    if (!changed.isEmpty()) {
      lastIds.putAllAsync(changed);
      lastIdsWritten = new HashMap<>(report.lastIds());
    }
  }

  @Override
  public Future<ClusterStats> stats() {
    return vertx.executeBlocking(() -> {
      Set<String> live = new HashSet<>();
      hz.getCluster().getMembers().forEach(m -> live.add(m.getUuid().toString()));
      Map<String, String> reports = nodes.getAll(live);
      Set<String> topics = new HashSet<>();
      reports.values().forEach(r -> topics.addAll(new JsonObject(r).getJsonObject("topics").fieldNames()));
      return ClusterStats.fromReports(reports.values(), lastIds.getAll(topics));
    }, false);
  }

  @Override
  public Future<String> cursor(String owner, String streamId) {
    return Future.fromCompletionStage(cursors.getAsync(CursorOwner.key(owner, streamId)));
  }

  @Override
  public void keepCursor(String owner, String streamId) {
    cursorOwners.submitToKey(owner, new CursorIndex.Touch(streamId, maxCursorsPerOwner)).thenAccept(evicted -> {
      for (String old : evicted) {
        cursors.removeAsync(CursorOwner.key(owner, old));
      }
    }).exceptionally(e -> {
      log.debug("Recording cursor {} of {} failed: {}", streamId, owner, e.getMessage());
      return null;
    });
  }

  @Override
  public void saveCursors(Map<String, String> batch) {
    cursors.putAllAsync(batch).exceptionally(e -> {
      log.warn("Saving {} cursors failed: {}", batch.size(), e.getMessage());
      return null;
    });
  }

  @Override
  public Future<Boolean> acquireUserConnection(String user, int limit) {
    return Future.fromCompletionStage(users.submitToKey(user, new UserSlots.Acquire(memberKey, limit)));
  }

  @Override
  public void releaseUserConnection(String user) {
    users.submitToKey(user, new UserSlots.Release(memberKey)).exceptionally(e -> {
      log.warn("Releasing a connection slot of user {} failed: {}", user, e.getMessage());
      return null;
    });
  }

  @Override
  public boolean isJoined() {
    return hz.getLifecycleService().isRunning();
  }

  /** Server-side cursors the cluster keeps (for tests and operators). */
  public int cursorCount() {
    return cursors.size();
  }

  /** The member itself, for other cluster state kept beside this (presence). */
  public HazelcastInstance hazelcast() {
    return hz;
  }

  public int memberCount() {
    return hz.getCluster().getMembers().size();
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      nodes.remove(memberKey);
      hz.shutdown();
      return null;
    }, false);
  }

  /** Abrupt stop, as if the process died: no goodbye to the cluster (for tests). */
  public void terminate() {
    hz.getLifecycleService().terminate();
  }
}
