package dev.ssegateway.gateway.cluster;

import io.vertx.core.Future;

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

  /** Whether this node is a running member of its cluster (for readiness). */
  boolean isJoined();

  Future<Void> close();
}
