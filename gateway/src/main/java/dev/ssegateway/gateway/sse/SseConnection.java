package dev.ssegateway.gateway.sse;

import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.hub.LoopHub;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.vertx.VertxInternals;
import dev.ssegateway.publisher.WireMessage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's event stream, from resume to its end. Lives on one event loop.
 *
 * <p>Opening follows "subscribe, then read history, then go live": the connection registers for
 * its topics first (live events are held back), replays history after the client's position,
 * then releases the held events, skipping any it already replayed. Every topic keeps its own
 * position, so nothing is sent twice and nothing published during the replay is lost.
 */
public final class SseConnection {
  private enum State { OPENING, LIVE, CLOSED }

  private static final int REPLAY_PAGE = 500;
  private static final long REPLAY_RETRY_MS = 1000;

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final LoopHub loop;
  private final Broker broker;
  private final GatewayMetrics metrics;
  private final ConnectionSettings settings;
  private final String[] topics;
  private final EventId[] positions;
  private final boolean[] ended;
  private final boolean[] unknownId;
  /** Topics the client had no position in: they start at the head read once subscribed. */
  private final boolean[] startsAtHead;
  private final boolean[] lostSignalled;
  /** The resume id exactly as the client sent it, echoed in {@code sse-history-lost}. */
  private String clientId;
  private long openTimer = -1;
  private boolean resuming;
  private boolean resumeWaitOver;
  private boolean startFixed;
  private int activeTopics;
  private State state = State.OPENING;
  private boolean headersSent;
  private List<Buffer> outbox = new ArrayList<>();
  private List<Object> held = new ArrayList<>();
  private int heldBytes;
  private String streamId;
  /** Where shared, pre-framed chunks are written for HTTP/1.x; null for HTTP/2. */
  private DirectChunks direct;
  private boolean flushPending;
  private Runnable onEnd;
  private long expiryTimer = -1;

  /**
   * @param resumeFrom the client's position per topic, or null for a new subscriber (who starts
   *     at the head of each topic)
   * @param idUnknown the client sent an id that does not describe these topics: every topic then
   *     signals lost history and replays all it keeps
   */
  public SseConnection(HttpServerRequest request, LoopHub loop, Broker broker, GatewayMetrics metrics,
      ConnectionSettings settings, String[] topics, EventId[] resumeFrom, boolean idUnknown) {
    this.request = request;
    this.response = request.response();
    this.loop = loop;
    this.broker = broker;
    this.metrics = metrics;
    this.settings = settings;
    this.topics = topics;
    this.positions = new EventId[topics.length];
    this.ended = new boolean[topics.length];
    this.unknownId = new boolean[topics.length];
    this.startsAtHead = new boolean[topics.length];
    this.lostSignalled = new boolean[topics.length];
    this.activeTopics = topics.length;
    for (int i = 0; i < topics.length; i++) {
      if (idUnknown) {
        unknownId[i] = true;
        positions[i] = EventId.ZERO;
      } else if (resumeFrom != null) {
        positions[i] = resumeFrom[i];
      }
    }
  }

  /** Keeps this connection's positions in a server-side cursor under {@code streamId}. */
  public SseConnection withCursor(String streamId) {
    this.streamId = streamId;
    return this;
  }

  /** The resume id as the client sent it ({@code Last-Event-ID} or {@code lastEventId}). */
  public SseConnection withClientId(String rawId) {
    this.clientId = rawId;
    return this;
  }

  /** Runs once when the stream ends, however it ends (e.g. gives back a user's connection slot). */
  public SseConnection onEnd(Runnable action) {
    this.onEnd = action;
    return this;
  }

  /**
   * Ends the stream when the token that opened it expires, with an {@code sse-token-expired}
   * event first so the client knows to reconnect with a fresh token.
   */
  public SseConnection expiresAt(long epochMs) {
    if (epochMs > 0) {
      long delay = Math.max(1, epochMs - System.currentTimeMillis());
      expiryTimer = loop.context().owner().setTimer(delay, t -> {
        expiryTimer = -1;
        if (state != State.CLOSED) {
          if (headersSent) {
            write(SseEncoder.control(ControlEvents.TOKEN_EXPIRED, "{\"reason\":\"token_expired\"}"));
          }
          finish(DisconnectReason.TOKEN_EXPIRED);
        }
      });
    }
    return this;
  }

  public String streamId() {
    return streamId;
  }

  /** Writes an event the gateway sends on its own (presence) once the stream is live; skipped before. */
  public void sendGatewayEvent(Buffer event) {
    if (state == State.LIVE) {
      write(event);
    }
  }

  /** The positions as JSON {@code {"topic": "id"}}: what a server-side cursor stores. */
  public String positionsJson() {
    JsonObject json = new JsonObject();
    for (int i = 0; i < topics.length; i++) {
      if (positions[i] != null) {
        json.put(topics[i], positions[i].toString());
      }
    }
    return json.encode();
  }

  private void moved() {
    if (streamId != null) {
      loop.cursorMoved(this);
    }
  }

  public void open() {
    if (response.closed()) {
      // The client left while the request was being checked: nothing to hold.
      state = State.CLOSED;
      if (onEnd != null) {
        onEnd.run();
      }
      if (expiryTimer >= 0) {
        loop.context().owner().cancelTimer(expiryTimer);
      }
      return;
    }
    ConnectionLog.opened(this);
    response.closeHandler(v -> onClientGone());
    // A client that goes away surfaces as "connection closed": that is not a write failure.
    response.exceptionHandler(e -> {
      if (e instanceof HttpClosedException) {
        onClientGone();
      } else {
        disconnect(DisconnectReason.WRITE_FAILED);
      }
    });
    // No byte leaves before every topic's starting position is fixed: a client that sees the
    // headers (EventSource's "open") may publish at once, and that event must come after the start.
    boolean fresh = false;
    for (EventId p : positions) {
      resuming |= p != null;
      fresh |= p == null;
    }
    startFixed = !fresh;
    if (fresh) {
      openTimer = loop.context().owner().setTimer(settings.openTimeoutMs(), t -> {
        openTimer = -1;
        if (state == State.OPENING && !headersSent) {
          refuseUnavailable();
        }
      });
    }
    if (resuming) {
      // Wait for history so that a client that already saw a topic's close event gets 204,
      // which stops EventSource for good; but never leave the client without headers for long
      // (its own id fixes where it resumes, so headers are safe even while the broker is away).
      loop.context().owner().setTimer(settings.resumeWaitMs(), t -> {
        resumeWaitOver = true;
        sendHeadersOnceStartIsFixed();
      });
    }
    onLoop(loop.add(this, topics)).onComplete(ar -> fixStartPositions());
  }

  /**
   * Topics the client has no position in start at their head, read once live delivery is on: every
   * event after that head arrives live (held until the replay is done), every event up to it was
   * published before the headers left. Resuming topics keep the client's position.
   */
  private void fixStartPositions() {
    if (state == State.CLOSED) {
      return;
    }
    List<Integer> fresh = new ArrayList<>();
    List<Future<HistoryPage>> heads = new ArrayList<>();
    for (int i = 0; i < topics.length; i++) {
      if (positions[i] == null) {
        fresh.add(i);
        heads.add(broker.readAfter(topics[i], null, 0));
      }
    }
    onLoop(Future.all(heads)).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        // The broker is unreachable: try again; the open deadline bounds the client's wait.
        loop.context().owner().setTimer(REPLAY_RETRY_MS, t -> fixStartPositions());
        return;
      }
      for (int k = 0; k < fresh.size(); k++) {
        int i = fresh.get(k);
        HistoryPage head = ar.result().resultAt(k);
        positions[i] = head.head();
        startsAtHead[i] = true;
        moved();
        if (head.headIsClose()) {
          endTopic(i); // a new subscriber of a closed topic: 204 if no other topic is open
        }
      }
      startFixed = true;
      if (!resuming && activeTopics > 0) {
        sendHeaders();
      } else {
        sendHeadersOnceStartIsFixed();
      }
      replay(0);
    });
  }

  private void sendHeadersOnceStartIsFixed() {
    if (resumeWaitOver && startFixed && state == State.OPENING && !headersSent) {
      sendHeaders();
    }
  }

  /**
   * The broker did not let this stream fix its start within the open deadline: nothing was sent,
   * so the client gets a clear 503 to retry, rather than a stream whose position is unknown.
   */
  private void refuseUnavailable() {
    state = State.CLOSED;
    release(DisconnectReason.BROKER_UNAVAILABLE);
    response.putHeader("Retry-After", "5").putHeader("Content-Type", "application/json").setStatusCode(503)
        .end(new JsonObject().put("error", "broker_unavailable")
            .put("message", "The broker did not answer within " + settings.openTimeoutMs()
                + " ms, so the stream's start could not be fixed; retry")
            .encode());
  }

  public String[] topics() {
    return topics;
  }

  public String remoteAddress() {
    return String.valueOf(request.remoteAddress());
  }

  /** The combined id of this connection's positions: what the client sends back to resume. */
  public String cursor() {
    return ResumeCursor.encode(positions);
  }

  private void replay(int i) {
    if (state == State.CLOSED) {
      return;
    }
    if (headersSent && response.writeQueueFull()) {
      // Replayed history is still on its way: go on once it has drained, so that a client far
      // behind gets its backlog at its own pace instead of being cut off as a slow consumer.
      response.drainHandler(v -> {
        response.drainHandler(null);
        replay(i);
      });
      return;
    }
    if (i == topics.length) {
      goLive();
      return;
    }
    if (ended[i] || startsAtHead[i]) {
      replay(i + 1);
      return;
    }
    EventId start = positions[i];
    onLoop(broker.readAfter(topics[i], start, REPLAY_PAGE)).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        // The broker is unreachable: try again from where we are, the client keeps waiting.
        loop.context().owner().setTimer(REPLAY_RETRY_MS, t -> replay(i));
        return;
      }
      if (applyPage(i, start, ar.result())) {
        replay(i);
      } else {
        replay(i + 1);
      }
    });
  }

  /** Writes one page of history for topic {@code i}; returns true when more pages follow. */
  private boolean applyPage(int i, EventId start, HistoryPage page) {
    if ((page.gap() || unknownId[i]) && !lostSignalled[i]) {
      lostSignalled[i] = true;
      metrics.historyLost();
      JsonObject data = new JsonObject()
          .put("topic", topics[i])
          .put("lastEventId", clientId != null ? clientId : start.toString())
          .put("oldestId", page.oldestKept() == null ? null : page.oldestKept().toString());
      emit(SseEncoder.control(ControlEvents.HISTORY_LOST, data.encode()));
      if (start.isAfter(page.head())) {
        // An id this history never issued (forged, or from a history since lost): everything kept
        // comes after the client's real position, so replay it all, then go live from the head.
        positions[i] = EventId.ZERO;
        return true;
      }
    }
    for (WireMessage m : page.events()) {
      EventId id = EventId.parse(m.id());
      if (id == null || !id.isAfter(positions[i])) {
        continue;
      }
      positions[i] = id;
      moved();
      metrics.eventReplayed();
      emit(SseEncoder.single(cursor(), m.event(), m.data(), m.retryMs()));
      if (m.close()) {
        endTopic(i);
        return false;
      }
    }
    if (page.more()) {
      return true;
    }
    if (page.headIsClose() && !page.head().isAfter(positions[i])) {
      endTopic(i); // the client has already seen this topic's close event
    }
    return false;
  }

  private void goLive() {
    if (activeTopics == 0) {
      if (!headersSent && outbox.isEmpty()) {
        // Every topic is finished and the client already saw the end: 204 stops EventSource.
        state = State.CLOSED;
        release(DisconnectReason.TOPIC_CLOSED);
        response.setStatusCode(204).end();
      } else {
        // The replay carries what the client missed, its close event included: send it, then end.
        if (!headersSent) {
          sendHeaders();
        }
        write(SseEncoder.idOnly(cursor()));
        finish(DisconnectReason.TOPIC_CLOSED);
      }
      return;
    }
    if (!headersSent) {
      sendHeaders();
    }
    // Sets the browser's Last-Event-ID to where this stream starts, even if nothing was replayed.
    write(SseEncoder.idOnly(cursor()));
    state = State.LIVE;
    List<Object> release = held;
    held = null;
    for (int k = 0; k < release.size() && state == State.LIVE; k += 2) {
      deliver((Integer) release.get(k), (EncodedEvent) release.get(k + 1));
    }
  }

  /** Called by the loop for each live event of one of this connection's topics. */
  public void offer(String topic, EncodedEvent event) {
    if (state == State.CLOSED) {
      return;
    }
    int i = indexOf(topic);
    if (i < 0 || ended[i]) {
      return;
    }
    if (state == State.OPENING) {
      held.add(i);
      held.add(event);
      heldBytes += event.body().length();
      if (heldBytes > settings.queueBytes()) {
        disconnect(DisconnectReason.SLOW_CONSUMER);
      }
      return;
    }
    deliver(i, event);
  }

  private void deliver(int i, EncodedEvent event) {
    if (event.id() != null) {
      if (!event.id().isAfter(positions[i])) {
        return; // already replayed from history
      }
      positions[i] = event.id();
      moved();
    }
    if (topics.length == 1) {
      writeShared(event.withId(), event.chunkWithId());
    } else if (event.id() == null) {
      writeShared(event.body(), event.chunkBody());
    } else {
      // Several topics: this connection's own id line, then the shared body, in one flush.
      String idLine = "id: " + cursor() + "\n";
      if (direct == null) {
        write(Buffer.buffer(idLine));
      } else {
        writeDirect(SseEncoder.chunkOnHeap(idLine));
      }
      writeShared(event.body(), event.chunkBody());
    }
    if (event.close() && state != State.CLOSED) {
      endTopic(i);
    }
  }

  public void heartbeat() {
    if (state == State.LIVE) {
      writeShared(SseEncoder.HEARTBEAT, SseEncoder.HEARTBEAT_CHUNK);
    }
  }

  private int indexOf(String topic) {
    if (topics.length == 1) {
      return topics[0].equals(topic) ? 0 : -1;
    }
    for (int i = 0; i < topics.length; i++) {
      if (topics[i].equals(topic)) {
        return i;
      }
    }
    return -1;
  }

  private void endTopic(int i) {
    if (ended[i]) {
      return;
    }
    ended[i] = true;
    activeTopics--;
    loop.removeTopic(this, topics[i]);
    if (activeTopics == 0 && state == State.LIVE) {
      finish(DisconnectReason.TOPIC_CLOSED);
    }
  }

  private void sendHeaders() {
    headersSent = true;
    if (openTimer >= 0) {
      loop.context().owner().cancelTimer(openTimer);
      openTimer = -1;
    }
    response.setStatusCode(200)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    if (request.version() != HttpVersion.HTTP_2) {
      response.setChunked(true);
    }
    response.setWriteQueueMaxSize(settings.queueBytes());
    write(SseEncoder.preamble(settings.retryMs()));
    List<Buffer> pending = outbox;
    outbox = null;
    pending.forEach(this::write);
    direct = DirectChunks.of(request);
  }

  /**
   * Writes bytes shared by many connections. On HTTP/1.x they go to the socket as a pre-framed
   * chunk ({@link DirectChunks}), without a flush: the loop flushes each connection once per batch, so
   * several queued events leave in one system call, and no per-write future or chunk header is
   * made. Everything else (preamble, replay, id lines) goes through Vert.x, in the same order,
   * because both paths write synchronously on this loop and the channel is always writable while
   * the connection lives (an unwritable channel means a slow consumer, which is disconnected).
   */
  private void writeShared(Buffer buffer, ByteBuf chunk) {
    if (state == State.CLOSED) {
      return;
    }
    if (direct == null) {
      write(buffer);
      return;
    }
    writeDirect(chunk);
  }

  private void writeDirect(ByteBuf chunk) {
    if (state == State.CLOSED) {
      return;
    }
    if (!direct.writable()) {
      disconnect(DisconnectReason.SLOW_CONSUMER);
      return;
    }
    direct.write(chunk);
    if (!flushPending) {
      flushPending = true;
      loop.flushLater(this);
    }
  }

  /** Called by the loop after a batch: sends what {@link #writeShared} queued. */
  public void flushWrites() {
    flushPending = false;
    if (state == State.CLOSED || direct == null) {
      return;
    }
    direct.flush();
    if (!direct.writable()) {
      disconnect(DisconnectReason.SLOW_CONSUMER);
    }
  }

  private void emit(Buffer buffer) {
    if (headersSent) {
      write(buffer);
    } else {
      outbox.add(buffer);
    }
  }

  private void write(Buffer buffer) {
    if (state == State.CLOSED) {
      return;
    }
    response.write(buffer);
    // While history is replayed a full queue means "wait" (replay() pauses between pages; live
    // events held meanwhile are bounded by the queue size); once live it means a slow consumer.
    if (state != State.OPENING && response.writeQueueFull()) {
      disconnect(DisconnectReason.SLOW_CONSUMER);
    }
  }

  /**
   * Ends the stream because the node shuts down, with a reconnect hint: EventSource waits that
   * long, then reconnects (through the load balancer, to another node) and resumes.
   */
  public void drain(long retryMs) {
    if (state == State.LIVE) {
      write(SseEncoder.retryHint(retryMs));
    }
    finish(DisconnectReason.DRAINING);
  }

  /** Ends the stream normally (the chunked terminator), e.g. after a close event. */
  public void finish(DisconnectReason reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    release(reason);
    response.end();
  }

  /** Ends the stream at once and frees what is queued for it. */
  public void disconnect(DisconnectReason reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    release(reason);
    if (reason == DisconnectReason.SLOW_CONSUMER || reason == DisconnectReason.WRITE_FAILED) {
      if (request.version() == HttpVersion.HTTP_2) {
        response.reset(); // resets only this stream; its queued frames are dropped
      } else {
        abort(request.connection());
      }
    } else {
      response.end();
    }
  }

  /**
   * Drops an HTTP/1.x connection at once, with what is queued for it. Vert.x's own close (and
   * {@code reset()}, which closes) first waits for the queued writes to reach the socket: for a
   * client that stopped reading that is never, so its queue and socket would stay in memory.
   * Closing from the head of the pipeline skips that wait; linger 0 makes it a TCP reset, so the
   * kernel frees the socket's buffer too instead of keeping it for a reader that never comes.
   */
  private void abort(HttpConnection connection) {
    if (!VertxInternals.abort(connection)) {
      response.reset();
    }
  }

  private void onClientGone() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    release(DisconnectReason.CLIENT_CLOSED);
  }

  private void release(DisconnectReason reason) {
    held = null;
    outbox = null;
    if (expiryTimer >= 0) {
      loop.context().owner().cancelTimer(expiryTimer);
    }
    if (openTimer >= 0) {
      loop.context().owner().cancelTimer(openTimer);
      openTimer = -1;
    }
    if (onEnd != null) {
      onEnd.run();
      onEnd = null;
    }
    List<String> active = new ArrayList<>(topics.length);
    for (int i = 0; i < topics.length; i++) {
      if (!ended[i]) {
        active.add(topics[i]);
      }
    }
    loop.remove(this, active.toArray(new String[0]));
    metrics.disconnected(reason);
    ConnectionLog.log(reason, this);
  }

  /** Completes on this connection's loop whatever thread completed {@code future}. */
  private <T> Future<T> onLoop(Future<T> future) {
    Context ctx = loop.context();
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> ctx.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
