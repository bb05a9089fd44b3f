package dev.ssegateway.gateway.transport;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One event stream opened through a Vert.x {@link HttpClient}, recording its events. */
final class StreamRecorder {
  private final SseParser parser = new SseParser();
  private final List<SseEvent> events = new CopyOnWriteArrayList<>();
  private final HttpClientResponse response;
  private volatile boolean live;

  private StreamRecorder(HttpClientResponse response) {
    this.response = response;
  }

  static StreamRecorder open(HttpClient http, int port, String uri) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri).putHeader("Accept", "text/event-stream");
    // The handler is set on the connection's loop as the headers arrive, so no chunk is missed.
    StreamRecorder recorder = Gateways.await(http.request(options).compose(req -> req.send()).map(resp -> {
      StreamRecorder r = new StreamRecorder(resp);
      resp.handler(buf -> {
        r.events.addAll(r.parser.feed(buf.toString(StandardCharsets.UTF_8)));
        r.live |= !r.parser.lastEventId().isEmpty();
      });
      return r;
    }));
    if (recorder.response.statusCode() != 200) {
      throw new AssertionError(uri + " answered " + recorder.response.statusCode());
    }
    return recorder;
  }

  HttpVersion version() {
    return response.version();
  }

  HttpConnection connection() {
    return response.request().connection();
  }

  List<String> data() {
    return events.stream().filter(e -> e.event().equals("message")).map(SseEvent::data).toList();
  }

  /** Whether the stream has sent its first id line: it is subscribed and live. */
  boolean live() {
    return live;
  }

  /** POST /publish through {@code http} (whatever scheme it speaks); returns the status. */
  static int publish(HttpClient http, int port, String topic, String data, String key) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/publish").putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + key);
    String body = new io.vertx.core.json.JsonObject().put("topic", topic).put("data", data).encode();
    return Gateways.await(http.request(options).compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode())));
  }
}
