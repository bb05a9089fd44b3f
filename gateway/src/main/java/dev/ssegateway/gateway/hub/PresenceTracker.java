package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.cluster.Presence;
import dev.ssegateway.gateway.cluster.PresenceEntry;
import dev.ssegateway.gateway.cluster.PresenceEvent;
import dev.ssegateway.gateway.cluster.PresenceSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's presence, per topic, and what it sends to the cluster. Connections join and leave
 * here (from any event loop; a lock guards the maps, held for microseconds); every
 * {@link #flush} writes the share of each topic that changed, in one batch, and announces the
 * join/leave events gathered since the last flush.
 *
 * <p>What bounds the cost of a topic with 100k subscribers: its share lists at most
 * {@code maxListed} connections (the oldest; the rest are only counted), it is written at most once
 * per flush however many connections came or went, and at most {@code eventsPerSecond} events per
 * topic leave this node each second (the rest are dropped and counted). A join and a leave of the
 * same connection within one flush cancel out. Anonymous connections are counted only: they have
 * no identity to list or announce.
 */
public final class PresenceTracker {
  private final Presence presence;
  private final String node;
  private final int maxListed;
  private final int eventsPerSecond;
  private final Map<String, TopicPresence> topics = new HashMap<>();
  private long nextId;
  private long droppedEvents;

  private static final class TopicPresence {
    int count;
    int anonymous;
    /** Identified connections by id, oldest first; the first maxListed are listed. */
    final LinkedHashMap<Long, PresenceEntry> identified = new LinkedHashMap<>();
    /** Events not yet announced, by connection id (a leave removes its own pending join). */
    final LinkedHashMap<Long, PresenceEvent> pending = new LinkedHashMap<>();
    boolean dirty;
    long windowStart;
    int sentInWindow;
  }

  public PresenceTracker(Presence presence, String node, int maxListed, int eventsPerSecond) {
    this.presence = presence;
    this.node = node;
    this.maxListed = maxListed;
    this.eventsPerSecond = eventsPerSecond;
  }

  /** A connection of {@code sub} (null: anonymous) joins {@code topics}; returns its id for {@link #leave}. */
  public synchronized long join(String[] topics, String sub, long sinceMs) {
    long id = ++nextId;
    for (String t : topics) {
      TopicPresence p = this.topics.computeIfAbsent(t, k -> new TopicPresence());
      p.count++;
      p.dirty = true;
      if (sub == null) {
        p.anonymous++;
      } else {
        p.identified.put(id, new PresenceEntry(sub, node, sinceMs));
        pend(p, id, new PresenceEvent(t, sub, node, PresenceEvent.JOIN));
      }
    }
    return id;
  }

  public synchronized void leave(long id, String[] topics, String sub) {
    for (String t : topics) {
      TopicPresence p = this.topics.get(t);
      if (p == null) {
        continue;
      }
      p.count--;
      p.dirty = true;
      if (sub == null) {
        p.anonymous--;
      } else {
        p.identified.remove(id);
        if (p.pending.remove(id) == null) {
          pend(p, id, new PresenceEvent(t, sub, node, PresenceEvent.LEAVE));
        }
      }
    }
  }

  /** No more events wait than one flush may send: a burst of 100k joins holds 50, not 100k. */
  private void pend(TopicPresence p, long id, PresenceEvent event) {
    if (p.pending.size() < eventsPerSecond) {
      p.pending.put(id, event);
    } else if (eventsPerSecond > 0) {
      droppedEvents++;
    }
  }

  /**
   * Writes the shares that changed (or all of them when {@code refreshAll}, which renews their
   * time-to-live) and announces pending events within each topic's budget for this second.
   */
  public void flush(long nowMs, boolean refreshAll) {
    Map<String, PresenceSlice> slices = new HashMap<>();
    List<PresenceEvent> events = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<String, TopicPresence>> it = topics.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, TopicPresence> e = it.next();
        TopicPresence p = e.getValue();
        takeEvents(p, nowMs, events);
        if (!p.dirty && !refreshAll) {
          continue;
        }
        p.dirty = false;
        if (p.count <= 0) {
          slices.put(e.getKey(), null);
          it.remove(); // its events were taken above
        } else {
          slices.put(e.getKey(), slice(p));
        }
      }
    }
    if (!slices.isEmpty()) {
      presence.write(slices);
    }
    if (!events.isEmpty()) {
      presence.announce(events);
    }
  }

  private void takeEvents(TopicPresence p, long nowMs, List<PresenceEvent> out) {
    if (p.pending.isEmpty()) {
      return;
    }
    if (nowMs - p.windowStart >= 1000) {
      p.windowStart = nowMs;
      p.sentInWindow = 0;
    }
    for (PresenceEvent event : p.pending.values()) {
      if (p.sentInWindow < eventsPerSecond) {
        p.sentInWindow++;
        out.add(event);
      } else {
        droppedEvents++;
      }
    }
    p.pending.clear();
  }

  private PresenceSlice slice(TopicPresence p) {
    List<PresenceEntry> listed = new ArrayList<>(Math.min(maxListed, p.identified.size()));
    for (PresenceEntry entry : p.identified.values()) {
      if (listed.size() >= maxListed) {
        break;
      }
      listed.add(entry);
    }
    return new PresenceSlice(node, p.count, p.anonymous, listed);
  }

  /** Events dropped by the per-topic budget since the start. */
  public synchronized long droppedEvents() {
    return droppedEvents;
  }

  /** Topics this node has connections to (or a last write pending). */
  public synchronized int topicCount() {
    return topics.size();
  }
}
