package dev.ssegateway.gateway.vertx;

/** The Vert.x/Netty internals behind {@link VertxInternals}, with what each costs when it falls back. */
public enum Hook {
  CONNECTION_CHANNEL("connection-channel",
      "net.impl.ConnectionBase.channel(): the Netty channel under an HTTP connection; without it"
          + " none of the pipeline hooks, the direct write path or the linger-0 abort work"),
  PIPELINE_NAMES("pipeline-names",
      "Vert.x's handler names 'idle', 'httpDecoder', 'handler': without them the header timeout is"
          + " not lifted from streams, and request deadlines and the strict decoder are not installed"),
  ACCEPT_HOOK("accept-hook",
      "reflection on HttpServerImpl.tcpServer, NetServerImpl.actualServer/bindFuture: without it the"
          + " first request of a plain-text connection is decoded leniently and not counted pending"),
  PROTOCOL_DETECTION("protocol-detection",
      "http.impl.Http1xOrH2CHandler in a fresh plain-text pipeline: without it the strict decoder"
          + " cannot be swapped in before the first request is decoded"),
  LEAN_WRITE_QUEUE("lean-write-queue",
      "reflection on VertxConnection.outboundMessageQueue, OutboundMessageQueue.mqp,"
          + " MessagePassingQueue.queue: without it every connection keeps a 1024-slot queue (~4.6 KiB more)"),
  DIRECT_CHUNKS("direct-chunks",
      "Channel.unsafe() writes of pre-framed chunks at the pipeline head: without it every event"
          + " goes through Vert.x's write (a future, a chunk header and a flush per write)"),
  SHARED_BUFFER("shared-buffer",
      "internal.buffer.BufferInternal.buffer(ByteBuf): wraps one direct buffer for all connections;"
          + " without it each event would be copied"),
  LINGER0_ABORT("linger0-abort",
      "close from the pipeline head with SO_LINGER 0: without it a slow consumer's connection waits"
          + " for its queued writes (forever) before closing, keeping queue and socket buffer");

  private final String id;
  private final String what;

  Hook(String id, String what) {
    this.id = id;
    this.what = what;
  }

  public String id() {
    return id;
  }

  /** Which internal it uses, why, and what its fallback costs. */
  public String what() {
    return what;
  }
}
