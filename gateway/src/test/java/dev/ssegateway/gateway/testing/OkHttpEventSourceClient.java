package dev.ssegateway.gateway.testing;

import com.launchdarkly.eventsource.CommentEvent;
import com.launchdarkly.eventsource.ErrorStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.StartedEvent;
import com.launchdarkly.eventsource.StreamEvent;
import com.launchdarkly.eventsource.StreamException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An independent SSE client, LaunchDarkly's {@code okhttp-eventsource} (over OkHttp), reading one
 * stream on a thread of its own and recording every stream event it reports: messages, comments,
 * retry changes. It does not reconnect; it stops at the first fault.
 */
public final class OkHttpEventSourceClient implements AutoCloseable {
  private final EventSource eventSource;
  private final List<StreamEvent> received = new CopyOnWriteArrayList<>();
  private final List<Long> retryAtEvent = new CopyOnWriteArrayList<>();
  private volatile StreamException fault;

  private OkHttpEventSourceClient(EventSource eventSource) {
    this.eventSource = eventSource;
  }

  public static OkHttpEventSourceClient connect(int port, String pathAndQuery) {
    EventSource es = new EventSource.Builder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .errorStrategy(ErrorStrategy.alwaysThrow())
        .build();
    OkHttpEventSourceClient client = new OkHttpEventSourceClient(es);
    Thread t = new Thread(client::run, "okhttp-eventsource-reader");
    t.setDaemon(true);
    t.start();
    return client;
  }

  private void run() {
    try {
      while (true) {
        StreamEvent e = eventSource.readAnyEvent();
        // The client applies a retry: field itself (it reports no event for it): record the
        // delay in force when each event arrived.
        retryAtEvent.add(eventSource.getBaseRetryDelayMillis());
        received.add(e);
      }
    } catch (StreamException e) {
      fault = e;
    }
  }

  /** Every stream event in the order the client reported it. */
  public List<StreamEvent> all() {
    return new ArrayList<>(received);
  }

  public List<MessageEvent> messages() {
    return received.stream().filter(MessageEvent.class::isInstance).map(MessageEvent.class::cast).toList();
  }

  /** Messages other than the {@code probe} events a test publishes to find out when the stream is live. */
  public List<MessageEvent> messagesExceptProbes() {
    return messages().stream().filter(m -> !m.getEventName().equals("probe")).toList();
  }

  public List<String> comments() {
    return received.stream().filter(CommentEvent.class::isInstance).map(e -> ((CommentEvent) e).getText()).toList();
  }

  /** The reconnect delay the client had adopted when it reported the {@code index}-th event of {@link #all()}. */
  public long retryAt(int index) {
    return retryAtEvent.get(index);
  }

  /** The reconnect delay the client has adopted from the stream's retry: fields. */
  public long retry() {
    return eventSource.getBaseRetryDelayMillis();
  }

  public boolean started() {
    return received.stream().anyMatch(StartedEvent.class::isInstance);
  }

  /** Why reading stopped, or null while it reads. */
  public StreamException fault() {
    return fault;
  }

  public void await(Predicate<OkHttpEventSourceClient> condition, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + timeout + "; received " + received + ", fault " + fault);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public void awaitMessages(int count, Duration timeout) {
    await(c -> c.messagesExceptProbes().size() >= count, timeout);
  }

  @Override
  public void close() {
    eventSource.close();
    try {
      eventSource.awaitClosed(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
