package dev.ssegateway.gateway.auth.hook;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.auth.Principal;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.hub.ThrottledLog;
import dev.ssegateway.gateway.limits.ClientAddress;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the app's own backend ({@code SSE_AUTH_HOOK_URL}) who a subscriber is and what it may
 * read, from the browser's cookies and chosen headers: for apps that keep HttpOnly session cookies
 * and mint no JWTs. One {@code POST} per decision, bounded in time
 * ({@code SSE_AUTH_HOOK_TIMEOUT_MS}) and size ({@link HookAnswer#MAX_BODY_BYTES}), cached for the
 * lifetime the backend names, behind a {@link CircuitBreaker}.
 *
 * <p>Fails closed: a backend that times out, cannot be reached or answers 5xx gives the subscriber
 * {@code 503 auth_backend_unavailable} with Retry-After, never a grant; an answer of the wrong
 * shape is a denial ({@code 403 auth_hook_denied}). Both are logged (rate-limited) and counted.
 */
public final class AuthHook {
  private static final Logger log = LoggerFactory.getLogger(AuthHook.class);
  /** Connections kept open to the backend per node; more concurrent checks wait in the queue. */
  private static final int POOL_SIZE = 64;
  /** Checks waiting for a pooled connection; beyond, a check fails at once (counted as unreachable). */
  private static final int WAIT_QUEUE = 4096;
  private static final String UNAVAILABLE = "auth_backend_unavailable";
  private static final String DENIED = "auth_hook_denied";

  private final Vertx vertx;
  private final URI url;
  private final String shownUrl;
  private final long timeoutMs;
  private final int failuresToOpen;
  private final Set<String> cookieNames;
  private final List<String> headerNames;
  private final ClientAddress addresses;
  private final HttpClient client;
  private final CircuitBreaker breaker;
  private final DecisionCache cache;
  private final HookMetrics metrics;
  private final ThrottledLog failureLog = new ThrottledLog(log, "auth hook call failed", 10, 60_000);
  private final ThrottledLog invalidLog = new ThrottledLog(log, "auth hook answer invalid", 10, 60_000);
  private final ThrottledLog refusedLog = new ThrottledLog(log, "subscriber refused: auth breaker open", 1, 60_000);

  private AuthHook(Vertx vertx, GatewayConfig config, GatewayMetrics gatewayMetrics, ClientAddress addresses) {
    this.vertx = vertx;
    this.url = URI.create(config.string(Setting.AUTH_HOOK_URL));
    this.shownUrl = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
    this.timeoutMs = config.longValue(Setting.AUTH_HOOK_TIMEOUT_MS);
    this.failuresToOpen = config.intValue(Setting.AUTH_HOOK_BREAKER_FAILURES);
    this.cookieNames = new LinkedHashSet<>(config.list(Setting.AUTH_HOOK_COOKIES));
    this.headerNames = config.list(Setting.AUTH_HOOK_HEADERS);
    this.addresses = addresses;
    this.breaker = new CircuitBreaker(failuresToOpen,
        config.longValue(Setting.AUTH_HOOK_BREAKER_OPEN_MS), System::currentTimeMillis);
    this.cache = new DecisionCache(config.intValue(Setting.AUTH_HOOK_CACHE_SIZE), System::currentTimeMillis);
    this.metrics = new HookMetrics(gatewayMetrics.registry(), () -> breaker.state().gauge(), cache::size);
    // Timeouts of the connection itself sit past the call's own deadline, which decides (and is
    // counted as a timeout) first.
    int slack = (int) Math.min(Integer.MAX_VALUE, timeoutMs + 1000);
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(slack)
            .setIdleTimeout(slack).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS),
        new PoolOptions().setHttp1MaxSize(POOL_SIZE).setMaxWaitQueueSize(WAIT_QUEUE));
  }

  /** The hook, or null when {@code SSE_AUTH_HOOK_URL} is unset. */
  public static AuthHook create(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, ClientAddress addresses) {
    return config.isSet(Setting.AUTH_HOOK_URL) ? new AuthHook(vertx, config, metrics, addresses) : null;
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /**
   * The subscriber as the backend sees it. Fails with {@link AccessDenied}: 401/403
   * {@code auth_hook_denied} when the backend says no (or answers nonsense), 503
   * {@code auth_backend_unavailable} when it cannot answer. The caller checks the granted topics.
   */
  public Future<Principal> authorize(io.vertx.core.http.HttpServerRequest request, String[] topics) {
    HookRequest hr = HookRequest.of(request, topics, addresses, cookieNames, headerNames);
    String key = hr.cacheKey();
    HookDecision cached = cache.get(key);
    if (cached != null) {
      metrics.cacheHit();
      return outcome(cached);
    }
    metrics.cacheMiss();
    CircuitBreaker.Permit permit = breaker.tryAcquire();
    if (permit == CircuitBreaker.Permit.REFUSED) {
      metrics.breakerRefused();
      refusedLog.warn("Subscriber {} refused with 503: the auth hook's breaker is open ({} answers nothing)",
          hr.clientAddress(), shownUrl);
      return Future.failedFuture(unavailable());
    }
    long start = System.nanoTime();
    return call(hr).transform(ar -> {
      long nanos = System.nanoTime() - start;
      if (ar.succeeded()) {
        HookDecision d = ar.result();
        metrics.called(d.allowed() ? HookMetrics.Outcome.ALLOW : HookMetrics.Outcome.DENY, nanos);
        succeeded();
        cache.put(key, d);
        return outcome(d);
      }
      Throwable e = ar.cause();
      if (e instanceof HookAnswer.InvalidAnswer) {
        metrics.called(HookMetrics.Outcome.INVALID, nanos);
        succeeded(); // the backend is up; what it said is wrong
        invalidLog.warn("Auth hook {} gave an invalid answer for {} (denied): {}", shownUrl, hr.clientAddress(),
            e.getMessage());
        return Future.failedFuture(denied(403));
      }
      HookMetrics.Outcome o = e instanceof CallFailure f ? f.outcome : HookMetrics.Outcome.UNREACHABLE;
      metrics.called(o, nanos);
      failureLog.warn("Auth hook {} call failed ({}): {}; subscriber {} gets 503", shownUrl, o.tag,
          String.valueOf(e.getMessage()), hr.clientAddress());
      CircuitBreaker.Transition t = breaker.onFailure();
      if (t == CircuitBreaker.Transition.REOPENED) {
        log.warn("Auth hook breaker OPEN again: the trial call to {} failed ({}); 503 for {} s more", shownUrl, o.tag,
            breaker.retryAfterSeconds());
      } else if (t == CircuitBreaker.Transition.OPENED) {
        log.warn("Auth hook breaker OPEN: {} failed {} times in a row (last: {}); subscribers that need it get 503"
            + " auth_backend_unavailable for {} s, then one trial call", shownUrl, failuresToOpen, o.tag,
            breaker.retryAfterSeconds());
      }
      return Future.failedFuture(unavailable());
    });
  }

  private void succeeded() {
    if (breaker.onSuccess() == CircuitBreaker.Transition.CLOSED) {
      log.info("Auth hook breaker closed: {} answers again", shownUrl);
    }
  }

  private static Future<Principal> outcome(HookDecision d) {
    return d.allowed() ? Future.succeededFuture(d.principal()) : Future.failedFuture(denied(d.denyStatus()));
  }

  private static AccessDenied denied(int status) {
    return new AccessDenied(status, DENIED, "The application's backend did not authorize this subscription");
  }

  private AccessDenied unavailable() {
    return new AccessDenied(503, UNAVAILABLE,
        "The application's authorization backend is unavailable; retry later", breaker.retryAfterSeconds());
  }

  /** A failed call: how it failed is the metric's outcome tag. */
  private static final class CallFailure extends RuntimeException {
    final HookMetrics.Outcome outcome;

    CallFailure(HookMetrics.Outcome outcome, String message) {
      super(message, null, false, false);
      this.outcome = outcome;
    }
  }

  private Future<HookDecision> call(HookRequest hr) {
    Promise<HookDecision> result = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long deadline = vertx.setTimer(timeoutMs, t -> {
      if (result.tryFail(new CallFailure(HookMetrics.Outcome.TIMEOUT, "no answer within " + timeoutMs + " ms"))) {
        HttpClientRequest r = sent.get();
        if (r != null) {
          r.reset();
        }
      }
    });
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json")
        .putHeader("X-Forwarded-For", hr.clientAddress());
    if (hr.cookieHeader() != null) {
      options.putHeader("Cookie", hr.cookieHeader());
    }
    for (String[] h : hr.headers()) {
      options.addHeader(h[0], h[1]);
    }
    client.request(options)
        .onFailure(e -> result.tryFail(new CallFailure(HookMetrics.Outcome.UNREACHABLE, describe(e))))
        .onSuccess(req -> {
          sent.set(req);
          if (result.future().isComplete()) {
            req.reset();
            return;
          }
          req.send(hr.body().toBuffer())
              .onFailure(e -> result.tryFail(new CallFailure(HookMetrics.Outcome.UNREACHABLE, describe(e))))
              .onSuccess(resp -> {
                // Set before any reset below: a reset response with no handler is logged as an ERROR.
                resp.exceptionHandler(e -> result.tryFail(new CallFailure(HookMetrics.Outcome.UNREACHABLE, describe(e))));
                int status = resp.statusCode();
                if (status >= 500) {
                  result.tryFail(new CallFailure(HookMetrics.Outcome.SERVER_ERROR, "HTTP " + status));
                  req.reset();
                  return;
                }
                String length = resp.getHeader("Content-Length");
                if (length != null && tooLong(length)) {
                  result.tryFail(new HookAnswer.InvalidAnswer("Content-Length " + length + " is over "
                      + HookAnswer.MAX_BODY_BYTES + " bytes"));
                  req.reset();
                  return;
                }
                Buffer body = Buffer.buffer();
                resp.handler(chunk -> {
                  if (result.future().isComplete()) {
                    return;
                  }
                  if (body.length() + chunk.length() > HookAnswer.MAX_BODY_BYTES) {
                    result.tryFail(new HookAnswer.InvalidAnswer("the body is over " + HookAnswer.MAX_BODY_BYTES + " bytes"));
                    req.reset();
                    return;
                  }
                  body.appendBuffer(chunk);
                });
                resp.endHandler(v -> {
                  try {
                    result.tryComplete(HookAnswer.read(status, body));
                  } catch (HookAnswer.InvalidAnswer e) {
                    result.tryFail(e);
                  }
                });
              });
        });
    return result.future().onComplete(ar -> vertx.cancelTimer(deadline));
  }

  private static boolean tooLong(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > HookAnswer.MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false; // Vert.x refuses a malformed length itself
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
