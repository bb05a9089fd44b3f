package dev.ssegateway.gateway.http;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's HTTP/1.x connections that are not event streams: sending a request, waiting for its
 * answer, or idle between keep-alive requests. Each holds a file descriptor, and none shows in
 * {@code sse_connections}, so without a cap a slow client could hold descriptors until the node
 * cannot accept anything (1,900 half-sent requests held 1,936 descriptors and stopped
 * {@code /health/live}). At most {@code max} are kept; a new one beyond that closes the oldest,
 * not itself: the oldest is the likeliest to be stalled on purpose, and a fresh probe or client
 * still gets in while descriptors are short. Event streams count against SSE_MAX_CONNECTIONS
 * instead; together they leave the rest of the process's descriptors as headroom.
 */
final class PendingConnections {
  private final int max;
  private final Runnable onEvict;
  private final ConcurrentLinkedDeque<Channel> oldestFirst = new ConcurrentLinkedDeque<>();
  private final Set<Channel> members = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  PendingConnections(int max, Runnable onEvict) {
    this.max = max;
    this.onEvict = onEvict;
  }

  /**
   * The channel became pending (any thread; again is a no-op); closes the oldest pending ones
   * beyond the cap.
   */
  void enter(Channel channel) {
    if (!members.add(channel)) {
      return;
    }
    oldestFirst.addLast(channel);
    int n = count.incrementAndGet();
    while (n > max) {
      Channel oldest = oldestFirst.pollFirst();
      if (oldest == null) {
        break;
      }
      members.remove(oldest);
      n = count.decrementAndGet();
      onEvict.run();
      oldest.close();
    }
  }

  /** The channel is no longer pending (it streams, or closed). No-op when it was evicted. */
  void leave(Channel channel) {
    // Searched from the newest end: a stream starts right after its request. The removal is
    // atomic, so a channel evicted at the same moment is not counted out twice.
    if (members.remove(channel) && oldestFirst.removeLastOccurrence(channel)) {
      count.decrementAndGet();
    }
  }

  int size() {
    return count.get();
  }
}
