package dev.ssegateway.gateway.transport;

import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client that reads promptly and times every event: the data of each event is
 * {@code "<seq> <publishNanos> <padding>"}, published by this JVM, so {@code arrival - publishNanos}
 * is the publish-to-delivery latency. It keeps only a sequence check and one latency per event in
 * arrays sized up front, so that it adds nothing to the heap while the gateway's is measured.
 */
final class TimedSubscriber {
  private final long[] latencyNanos;
  private final SseParser parser = new SseParser();
  private volatile int received;
  private volatile String failure;
  private volatile boolean live;
  private volatile HttpClientResponse response;

  private TimedSubscriber(int capacity) {
    latencyNanos = new long[capacity];
  }

  static TimedSubscriber open(HttpClient http, int port, String uri, int capacity) {
    TimedSubscriber s = new TimedSubscriber(capacity);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri).putHeader("Accept", "text/event-stream");
    http.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        s.failure = "could not subscribe: " + (ar.failed() ? ar.cause() : "status " + ar.result().statusCode());
        return;
      }
      s.response = ar.result();
      s.response.handler(buf -> s.onChunk(buf.toString(StandardCharsets.UTF_8), System.nanoTime()));
      s.response.endHandler(v -> s.fail("the stream ended"));
      s.response.exceptionHandler(e -> s.fail("the stream failed: " + e));
    });
    return s;
  }

  private void onChunk(String text, long now) {
    for (SseEvent e : parser.feed(text)) {
      String d = e.data();
      int sp1 = d.indexOf(' ');
      int sp2 = d.indexOf(' ', sp1 + 1);
      int seq = Integer.parseInt(d, 0, sp1, 10);
      long published = Long.parseLong(d, sp1 + 1, sp2, 10);
      if (seq != received) {
        fail("expected event " + received + " but got " + seq);
        return;
      }
      latencyNanos[seq] = now - published;
      received = seq + 1;
    }
    if (!parser.lastEventId().isEmpty()) {
      live = true;
    }
  }

  private void fail(String why) {
    if (failure == null) {
      failure = why + " after " + received + " events";
    }
  }

  /** Events received so far, all in order (else {@link #failure()} says what went wrong). */
  int received() {
    return received;
  }

  String failure() {
    return failure;
  }

  boolean live() {
    return live;
  }

  long latencyNanos(int seq) {
    return latencyNanos[seq];
  }

  void close() {
    HttpClientResponse r = response;
    if (r != null) {
      r.request().connection().close();
    }
  }

  static void awaitAll(Iterable<TimedSubscriber> subscribers, int count, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    for (TimedSubscriber s : subscribers) {
      while (s.received < count && s.failure == null) {
        if (System.nanoTime() > end) {
          throw new AssertionError("A healthy subscriber has " + s.received + " of " + count + " events after "
              + timeout);
        }
        sleepMs(5);
      }
      if (s.failure != null) {
        throw new AssertionError("A healthy subscriber failed: " + s.failure);
      }
    }
  }

  static void awaitLive(Iterable<TimedSubscriber> subscribers, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    for (TimedSubscriber s : subscribers) {
      while (!s.live) {
        if (s.failure != null || System.nanoTime() > end) {
          throw new AssertionError("A subscriber did not go live: " + s.failure);
        }
        sleepMs(10);
      }
    }
  }

  static void sleepMs(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
