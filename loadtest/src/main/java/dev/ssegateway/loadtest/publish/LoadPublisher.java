package dev.ssegateway.loadtest.publish;

import dev.ssegateway.loadtest.core.Histograms;
import dev.ssegateway.loadtest.core.Json;
import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.Params;
import dev.ssegateway.loadtest.core.Payload;
import dev.ssegateway.loadtest.core.PublishResult;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.RedisPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes load-test events ({@link Payload}: sequence number and publish time) at a given rate,
 * round-robin over topics, through the gateway's {@code POST /publish}, straight into Redis with the
 * publisher library (the publish Lua script), or to an Nchan publisher location. Also the "publish
 * throughput" tool: with {@code rates} it runs one step per rate and reports the achieved rate and
 * the publish-call latency of each.
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   mode          http (POST /publish) | redis (publish script) | nchan (POST body to an Nchan pub URL) [http]
 *   urls          comma list; http: gateway base URLs (used in turn); nchan: publisher URL with {topic}
 *                                                                        [http://127.0.0.1:8080]
 *   publishKey    bearer key of POST /publish                               [env SSE_PUBLISH_KEY]
 *   redisUrl      Redis of the gateway cluster (mode redis)                  [redis://127.0.0.1:6379]
 *   topics        topics, named topicPrefix + index; event k goes to topic k % topics          [1]
 *   topicPrefix   [lt-]
 *   count         events per topic (0: until durationSeconds)                                  [10]
 *   firstSeq      sequence number of each topic's first event                                  [1]
 *   rate          events per second over all topics (0: as fast as maxInFlight allows)         [10]
 *   durationSeconds  hard limit of the run (and of each step)                                 [60]
 *   maxInFlight   publishes awaiting their answer at once                                     [16]
 *   dataBytes     size of each event's data                                                   [60]
 *   rates         comma list of rates: a throughput run, one step per rate (count ignored)     []
 *   stepSeconds   length of each step                                                         [10]
 *   out           result JSON file                                                  [publish.json]
 * </pre>
 */
public final class LoadPublisher {

  final String mode = Params.str("mode", "http");
  final List<String> urls = Params.list("urls", "http://127.0.0.1:8080");
  final String publishKey = Params.str("publishKey", System.getenv().getOrDefault("SSE_PUBLISH_KEY", ""));
  final String redisUrl = Params.str("redisUrl", "redis://127.0.0.1:6379");
  final int topics = Params.integer("topics", 1);
  final String topicPrefix = Params.str("topicPrefix", "lt-");
  final long count = Params.lng("count", 10);
  final long firstSeq = Params.lng("firstSeq", 1);
  final double rate = Params.dbl("rate", 10);
  final double durationSeconds = Params.dbl("durationSeconds", 60);
  final int maxInFlight = Params.integer("maxInFlight", 16);
  final int dataBytes = Params.integer("dataBytes", Payload.DEFAULT_SIZE);
  final List<String> rates = Params.list("rates", "");
  final double stepSeconds = Params.dbl("stepSeconds", 10);
  final Path out = Path.of(Params.str("out", "publish.json"));

  private Vertx vertx;
  private HttpClient http;
  private RedisPublisher redis;

  public static void main(String[] args) throws Exception {
    int code = new LoadPublisher().run();
    System.exit(code);
  }

  int run() throws Exception {
    System.out.println("LoadPublisher parameters:\n" + Params.describe());
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    try {
      switch (mode) {
        case "http", "nchan" -> http = vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(Math.max(1, maxInFlight)));
        case "redis" -> redis = new RedisPublisher(Redis.createClient(vertx, new RedisOptions()
            .setConnectionString(redisUrl).setMaxPoolSize(Math.max(1, Math.min(maxInFlight, 32)))
            .setMaxPoolWaiting(100_000)), new PublisherOptions());
        default -> throw new IllegalArgumentException("mode must be http, redis or nchan, not " + mode);
      }
      PublishResult result = new PublishResult();
      result.tool = "LoadPublisher";
      result.mode = mode;
      result.target = mode.equals("redis") ? redisUrl : String.join(",", urls);
      result.firstSeq = firstSeq;
      result.dataBytes = dataBytes;
      Histogram all = Histograms.newMicros();
      Context ctx = vertx.getOrCreateContext();
      long[] nextIndex = {0};
      if (rates.isEmpty()) {
        Phase p = new Phase(ctx, rate, count * topics, durationSeconds, nextIndex, result);
        p.run();
        all.add(p.latency);
        result.offeredRate = rate;
        result.achievedRate = p.achievedRate();
      } else {
        for (String r : rates) {
          double stepRate = Double.parseDouble(r);
          Phase p = new Phase(ctx, stepRate, 0, Math.min(stepSeconds, durationSeconds), nextIndex, result);
          p.run();
          all.add(p.latency);
          PublishResult.Step step = new PublishResult.Step();
          step.offeredRate = stepRate;
          step.achievedRate = p.achievedRate();
          step.published = p.ok;
          step.errors = p.errors;
          step.seconds = p.seconds();
          step.latencyMs = Histograms.summaryMillis(p.latency);
          result.steps.add(step);
          System.out.printf("step offered=%.0f/s achieved=%.0f/s errors=%d latencyMs=%s%n",
              stepRate, step.achievedRate, step.errors, step.latencyMs);
        }
      }
      if (!rates.isEmpty()) {
        double secs = result.steps.stream().mapToDouble(st -> st.seconds).sum();
        long n = result.steps.stream().mapToLong(st -> st.published).sum();
        result.achievedRate = secs > 0 ? n / secs : 0;
      }
      result.publishLatencyUs = Histograms.encode(all);
      Json.write(out, result);
      long total = result.published.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf("published=%d errors=%d achieved=%.1f/s publishCallMs=%s -> %s%n",
          total, result.errors, result.achievedRate, Histograms.summaryMillis(all), out);
      return result.errors == 0 ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** One run at one rate, driven by a 1 ms timer on one event loop. */
  final class Phase {
    final Context ctx;
    final double rate;
    final long total;
    final double seconds;
    final long[] nextIndex;
    final PublishResult result;
    final Histogram latency = Histograms.newMicros();
    long sent;
    long ok;
    long errors;
    int inFlight;
    long startNanos;
    long endNanos;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    long timer;

    Phase(Context ctx, double rate, long total, double seconds, long[] nextIndex, PublishResult result) {
      this.ctx = ctx;
      this.rate = rate;
      this.total = total;
      this.seconds = seconds;
      this.nextIndex = nextIndex;
      this.result = result;
    }

    void run() throws Exception {
      ctx.runOnContext(v -> {
        startNanos = System.nanoTime();
        if (result.startMicros == 0) {
          result.startMicros = Micros.now();
        }
        timer = vertx.setPeriodic(1, id -> tick());
        tick();
      });
      done.get((long) (seconds + 60), TimeUnit.SECONDS);
      result.endMicros = Micros.now();
    }

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }

    double achievedRate() {
      double s = seconds();
      return s <= 0 ? 0 : ok / s;
    }

    private boolean timeUp(long now) {
      return (now - startNanos) / 1e9 >= seconds;
    }

    private void tick() {
      long now = System.nanoTime();
      boolean finished = (total > 0 && sent >= total) || timeUp(now);
      if (!finished) {
        long due = rate <= 0 ? Long.MAX_VALUE : (long) Math.floor(rate * (now - startNanos) / 1e9) + 1;
        if (total > 0) {
          due = Math.min(due, total);
        }
        while (sent < due && inFlight < maxInFlight) {
          send();
        }
      }
      if (((total > 0 && sent >= total) || timeUp(now)) && inFlight == 0) {
        vertx.cancelTimer(timer);
        endNanos = System.nanoTime();
        done.complete(null);
      }
    }

    private void send() {
      long k = nextIndex[0]++;
      sent++;
      inFlight++;
      String topic = topicPrefix + Math.floorMod(k, topics);
      long seq = firstSeq + k / topics;
      long t0 = System.nanoTime();
      String data = Payload.encode(seq, Micros.now(), dataBytes);
      publish(k, topic, data).onComplete(ar -> {
        inFlight--;
        latency.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
        if (ar.succeeded()) {
          ok++;
          result.published.merge(topic, 1L, Long::sum);
        } else {
          errors++;
          result.errors++;
          String kind = String.valueOf(ar.cause().getMessage());
          result.errorKinds.merge(kind.length() > 80 ? kind.substring(0, 80) : kind, 1L, Long::sum);
          if (result.errors <= 5) {
            System.err.println("publish failed: " + kind);
          }
        }
        tick();
      });
    }
  }

  private Future<?> publish(long k, String topic, String data) {
    return switch (mode) {
      case "redis" -> redis.publish(PublishRequest.of(topic, null, data));
      case "nchan" -> post(urls.get((int) (k % urls.size())).replace("{topic}", topic), "text/plain", Buffer.buffer(data), null);
      default -> post(urls.get((int) (k % urls.size())) + "/publish", "application/json",
          Buffer.buffer(new JsonObject().put("topic", topic).put("data", data).encode()), "Bearer " + publishKey);
    };
  }

  private Future<Void> post(String url, String contentType, Buffer body, String auth) {
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .addHeader("Content-Type", contentType);
    if (auth != null) {
      ro.addHeader("Authorization", auth);
    }
    return http.request(ro).compose(req -> req.send(body)).compose(resp -> resp.body().compose(b -> {
      int s = resp.statusCode();
      return s >= 200 && s < 300 ? Future.<Void>succeededFuture() : Future.<Void>failedFuture("HTTP " + s + " " + b.toString());
    }));
  }

}
