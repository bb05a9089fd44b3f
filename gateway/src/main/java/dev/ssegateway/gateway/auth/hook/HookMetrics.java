package dev.ssegateway.gateway.auth.hook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The auth hook's meters (names in the README): calls by outcome, their latency as a histogram,
 * cache hits and misses, subscribers refused by the open breaker, and the breaker's state.
 */
final class HookMetrics {
  /** How one call to the backend ended. */
  enum Outcome {
    ALLOW("allow"), DENY("deny"), INVALID("invalid"), TIMEOUT("timeout"), UNREACHABLE("unreachable"),
    SERVER_ERROR("server_error");

    final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;
  private final Timer latency;
  private final Counter hits;
  private final Counter misses;
  private final Counter breakerRefusals;

  HookMetrics(MeterRegistry registry, Supplier<Number> breakerState, Supplier<Number> cacheSize) {
    this.registry = registry;
    latency = Timer.builder("sse.auth.hook.latency").description("Time of auth hook calls, any outcome")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    hits = Counter.builder("sse.auth.hook.cache").tag("result", "hit")
        .description("Subscribe checks answered from the auth hook's cache, or not").register(registry);
    misses = Counter.builder("sse.auth.hook.cache").tag("result", "miss")
        .description("Subscribe checks answered from the auth hook's cache, or not").register(registry);
    breakerRefusals = Counter.builder("sse.auth.hook.breaker.refusals")
        .description("Subscribers refused with 503 because the auth hook's breaker was open").register(registry);
    Gauge.builder("sse.auth.hook.breaker.state", breakerState).description("Auth hook breaker: 0 closed, 1 open, 2 half-open")
        .register(registry);
    Gauge.builder("sse.auth.hook.cache.size", cacheSize).description("Decisions held in the auth hook's cache")
        .register(registry);
    for (Outcome o : Outcome.values()) {
      calls(o);
    }
  }

  private Counter calls(Outcome outcome) {
    return Counter.builder("sse.auth.hook.calls").tag("outcome", outcome.tag)
        .description("Calls to the auth backend by outcome").register(registry);
  }

  void called(Outcome outcome, long nanos) {
    calls(outcome).increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void cacheHit() {
    hits.increment();
  }

  void cacheMiss() {
    misses.increment();
  }

  void breakerRefused() {
    breakerRefusals.increment();
  }
}
