package dev.ssegateway.gateway.cluster;

import io.vertx.core.Future;
import java.util.Map;

/**
 * State shared by every node of the cluster: who holds how many connections, on which topics,
 * and the last event id seen per topic. Kept apart from the broker: the broker moves events,
 * this answers questions about the cluster.
 */
public interface ClusterState {

  /** Records this node's latest counts; written in the background, never blocking the caller. */
  void report(NodeReport report);

  /** Counts of every live node, summed cluster-wide. */
  Future<ClusterStats> stats();

  /**
   * The stored positions of {@code owner}'s server-side cursor {@code streamId}, as JSON
   * {@code {"topic": "id", ...}}, or null when none is stored (see {@link CursorOwner}).
   */
  Future<String> cursor(String owner, String streamId);

  /**
   * Records that a stream of {@code owner} keeps a cursor under {@code streamId}; the owner's least
   * recently opened cursors beyond its limit are deleted. Call for every stream that has a cursor,
   * however it resumes, before it can save one. In the background, never blocking the caller.
   */
  void keepCursor(String owner, String streamId);

  /** Stores cursors ({@link CursorOwner#key} to positions JSON) in one batched, asynchronous write. */
  void saveCursors(Map<String, String> cursors);

  /**
   * Takes one of {@code user}'s connection slots, cluster-wide; false when the user already holds
   * {@code limit} connections on all nodes together.
   */
  Future<Boolean> acquireUserConnection(String user, int limit);

  /** Gives back a slot taken by {@link #acquireUserConnection}. */
  void releaseUserConnection(String user);

  /** Whether this node is a running member of its cluster (for readiness). */
  boolean isJoined();

  Future<Void> close();
}
