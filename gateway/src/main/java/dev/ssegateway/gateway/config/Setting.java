package dev.ssegateway.gateway.config;

/**
 * Every setting of a gateway node: its environment variable, its default and what it means.
 *
 * <p>This enum is the single list the README's settings table and the Helm chart are checked
 * against (see SettingsDocumentedTest and the chart tests), so a setting cannot be added in one
 * place and forgotten in the others. A default of {@code null} means "unset", with the meaning
 * given in the description.
 */
public enum Setting {
  HTTP_PORT("SSE_HTTP_PORT", "8080", "Port for clients, publishers, health and metrics."),
  HTTP_HOST("SSE_HTTP_HOST", "0.0.0.0", "Address the HTTP server binds to."),
  NODE_ID("SSE_NODE_ID", null, "Name of this node in /stats, metrics and logs. Unset: hostname plus a random suffix."),
  EVENT_LOOPS("SSE_EVENT_LOOPS", null, "Event loops serving connections. Unset: one per CPU core."),

  REDIS_URL("SSE_REDIS_URL", null,
      "Redis connection string (redis://[:password@]host:port[/db]); comma-separated seeds in cluster"
          + " and sentinel modes. Unset: the embedded memory broker (single node, dev mode)."),
  REDIS_MODE("SSE_REDIS_MODE", "standalone", "standalone, cluster (sharded pub/sub) or sentinel."),
  REDIS_MASTER("SSE_REDIS_MASTER", "mymaster", "Master name in sentinel mode."),
  REDIS_PREFIX("SSE_REDIS_PREFIX", "sse:", "Prefix of every Redis key and channel the gateway uses."),

  HISTORY_SIZE("SSE_HISTORY_SIZE", "1000", "Events kept per topic for resume (Last-Event-ID)."),
  HISTORY_TTL_MS("SSE_HISTORY_TTL_MS", "3600000", "Maximum age of kept events, in milliseconds."),

  CURSOR_TTL_MS("SSE_CURSOR_TTL_MS", "3600000",
      "How long a server-side cursor (streamId) is kept after its last save, in milliseconds."),
  MAX_CURSORS_PER_OWNER("SSE_MAX_CURSORS_PER_OWNER", "100",
      "Server-side cursors one owner keeps (a token's sub, or an anonymous client's address); the least"
          + " recently opened is dropped first."),
  MAX_CURSORS("SSE_MAX_CURSORS", "50000",
      "Server-side cursors each cluster member keeps at most (approximate, per partition); least recently"
          + " used dropped first."),

  CLUSTER_NAME("SSE_CLUSTER_NAME", "sse-gateway", "Hazelcast cluster name; nodes join only their own cluster."),
  CLUSTER_PORT("SSE_CLUSTER_PORT", "5701", "Hazelcast member port."),
  CLUSTER_MEMBERS("SSE_CLUSTER_MEMBERS", null,
      "Comma list of host:port of other members (TCP-IP join). Unset: this node runs alone."),
  CLUSTER_DNS("SSE_CLUSTER_DNS", null,
      "Kubernetes headless Service DNS name for Hazelcast discovery (instead of SSE_CLUSTER_MEMBERS)."),
  CLUSTER_BIND("SSE_CLUSTER_BIND", null,
      "IP address of this host the Hazelcast member port binds to and announces (the chart sets the pod IP)."
          + " Unset: 127.0.0.1 when the node is alone or every member is on loopback, else one address"
          + " Hazelcast picks; never all interfaces."),

  PUBLISH_KEY("SSE_PUBLISH_KEY", null,
      "Static bearer key for POST /publish. Unset: a random key is generated and printed once in the log."),
  MAX_DATA_BYTES("SSE_MAX_DATA_BYTES", "65536", "Largest event data accepted by POST /publish, in UTF-8 bytes (413 above)."),
  MAX_BATCH_EVENTS("SSE_MAX_BATCH_EVENTS", "100",
      "Most events in one POST /publish batch (a JSON array); above it 413. The body limit still applies to the whole batch."),
  MAX_TOPICS("SSE_MAX_TOPICS", "16", "Most topics one connection may subscribe to."),

  CORS_ORIGINS("SSE_CORS_ORIGINS", null,
      "Comma list of origins allowed by CORS, with credentials; * is refused. Unset: no cross-origin access."),
  HEARTBEAT_MS("SSE_HEARTBEAT_MS", "15000", "Interval of heartbeat comments on idle streams."),
  RETRY_MS("SSE_RETRY_MS", "3000", "Reconnect delay hint sent to clients in the retry: field."),
  CLIENT_QUEUE_BYTES("SSE_CLIENT_QUEUE_BYTES", "262144",
      "Bytes queued for one client before it is disconnected as a slow consumer (it can resume)."),
  STATS_INTERVAL_MS("SSE_STATS_INTERVAL_MS", "1000", "How often a node publishes its counts to the cluster."),
  DRAIN_MS("SSE_DRAIN_MS", "20000",
      "On SIGTERM, the window over which connections are closed in paced waves before exit."),
  LOG_FORMAT("SSE_LOG_FORMAT", "text", "text, or json for one JSON object per log line."),

  JWT_SECRET("SSE_JWT_SECRET", null,
      "HS256 secret for JWTs, at least 32 bytes. Setting it (or a key below) makes subscribing need a token, except public topics."),
  JWT_PUBLIC_KEY_FILE("SSE_JWT_PUBLIC_KEY_FILE", null, "PEM file with an RS256 or ES256 public key for JWTs."),
  JWT_ALGORITHM("SSE_JWT_ALGORITHM", "RS256", "Algorithm of SSE_JWT_PUBLIC_KEY_FILE: RS256 or ES256."),
  JWT_JWKS_URL("SSE_JWT_JWKS_URL", null, "URL of a JWKS document with the token signing keys, fetched at start and refreshed."),
  JWT_JWKS_REFRESH_MS("SSE_JWT_JWKS_REFRESH_MS", "300000", "How often the JWKS is fetched again."),
  JWT_ISSUER("SSE_JWT_ISSUER", null, "Required iss claim. Unset: not checked."),
  JWT_AUDIENCE("SSE_JWT_AUDIENCE", null, "Required aud claim. Unset: not checked."),
  JWT_COOKIE("SSE_JWT_COOKIE", "sse_token", "Name of the cookie a token may come in."),
  PUBLIC_TOPICS("SSE_PUBLIC_TOPICS", null, "Comma list of topic patterns (* wildcard) anyone may subscribe to without a token."),

  AUTH_HOOK_URL("SSE_AUTH_HOOK_URL", null,
      "URL of the app's backend that authorizes subscribers (POST, JSON answer), used when a request carries no"
          + " valid JWT. Unset: no hook."),
  AUTH_HOOK_HEADERS("SSE_AUTH_HOOK_HEADERS", "Authorization",
      "Comma list of request headers forwarded to the auth hook (cookies go by SSE_AUTH_HOOK_COOKIES)."),
  AUTH_HOOK_COOKIES("SSE_AUTH_HOOK_COOKIES", null,
      "Comma list of cookie names forwarded to the auth hook. Unset: every cookie the browser sent."),
  AUTH_HOOK_TIMEOUT_MS("SSE_AUTH_HOOK_TIMEOUT_MS", "2000",
      "Deadline of one auth hook call (connect, answer and body); past it the call counts as failed."),
  AUTH_HOOK_CACHE_SIZE("SSE_AUTH_HOOK_CACHE_SIZE", "10000",
      "Auth hook answers kept per node, for the lifetime each answer names (cacheMs). 0: no cache."),
  AUTH_HOOK_BREAKER_FAILURES("SSE_AUTH_HOOK_BREAKER_FAILURES", "5",
      "Consecutive failed auth hook calls (timeout, no connection, 5xx) that open the circuit breaker."),
  AUTH_HOOK_BREAKER_OPEN_MS("SSE_AUTH_HOOK_BREAKER_OPEN_MS", "10000",
      "How long an open breaker refuses subscribers (503) before one trial call is let through."),

  MAX_CONNECTIONS("SSE_MAX_CONNECTIONS", "19000", "Connections one node accepts; above it 503 with Retry-After."),
  MAX_CONNECTIONS_PER_USER("SSE_MAX_CONNECTIONS_PER_USER", "0",
      "Connections one user (JWT sub) may hold across the whole cluster; above it 429. 0: no limit."),
  MAX_CONNECTIONS_PER_ADDRESS("SSE_MAX_CONNECTIONS_PER_ADDRESS", "1000",
      "Streams one client address may hold on a node; above it 429. Behind a proxy set SSE_TRUSTED_PROXIES,"
          + " or every client shares the proxy's address. 0: no limit."),
  TRUSTED_PROXIES("SSE_TRUSTED_PROXIES", null,
      "Comma list of proxy address blocks (CIDR, e.g. 10.0.0.0/8) whose X-Forwarded-For names the client."
          + " Unset: the TCP peer is the client and X-Forwarded-For is ignored."),
  PUBLISH_RATE("SSE_PUBLISH_RATE", "1000", "Publishes per second allowed per publisher identity on a node; above it 429. 0: no limit."),
  MAX_REQUEST_LINE("SSE_MAX_REQUEST_LINE", "8192", "Longest HTTP request line, in bytes (414 above)."),
  MAX_HEADER_BYTES("SSE_MAX_HEADER_BYTES", "16384", "Largest HTTP header block, in bytes (431 above)."),

  HEADER_TIMEOUT_MS("SSE_HEADER_TIMEOUT_MS", "30000",
      "Time a client has to send a request line and headers (the first one from connect); then the socket is closed."),
  BODY_TIMEOUT_MS("SSE_BODY_TIMEOUT_MS", "30000",
      "Longest pause between two reads of a request body; then 408 and close."),
  KEEPALIVE_IDLE_MS("SSE_KEEPALIVE_IDLE_MS", "60000",
      "How long an HTTP/1.1 connection may sit idle between requests before it is closed (never an open event stream)."),
  MAX_PENDING_REQUESTS("SSE_MAX_PENDING_REQUESTS", "1000",
      "Connections a node holds that are not (yet) event streams: half-sent, in flight or idle keep-alive."
          + " Above it the oldest is closed to make room."),
  MAX_BUFFERED_BYTES("SSE_MAX_BUFFERED_BYTES", "67108864",
      "Request body bytes a node buffers for all publishes in flight together; above it 503 with Retry-After."),
  AUTH_FAILURE_RATE("SSE_AUTH_FAILURE_RATE", "5",
      "Failed publish authentications per second allowed per client address (bursts of 4 times it); above it 429."),
  CORS_MAX_AGE_SECONDS("SSE_CORS_MAX_AGE_SECONDS", "600", "How long browsers may cache a CORS preflight answer (Access-Control-Max-Age)."),
  ADMIN_KEY("SSE_ADMIN_KEY", null,
      "Bearer key for GET /stats and /metrics. Unset: the publish key is accepted there; with neither"
          + " SSE_PUBLISH_KEY nor a JWT setting nor SSE_AUTH_HOOK_URL configured, both are open (dev mode)."),
  DEMO_PAGE("SSE_DEMO_PAGE", "true", "Serve the demo page at GET / (true or false)."),

  TLS_CERT("SSE_TLS_CERT", null, "PEM certificate chain: serve HTTPS with HTTP/2 (ALPN). Needs SSE_TLS_KEY."),
  TLS_KEY("SSE_TLS_KEY", null, "PEM private key for SSE_TLS_CERT."),

  PRESENCE_MAX_LISTED("SSE_PRESENCE_MAX_LISTED", "1000",
      "Identified connections per topic each node lists in GET /presence (the oldest); the rest are only counted."),
  PRESENCE_EVENTS_PER_SECOND("SSE_PRESENCE_EVENTS_PER_SECOND", "50",
      "sse-presence join/leave events per topic each node sends per second; the rest are dropped (counted). 0: none.");

  private final String env;
  private final String defaultValue;
  private final String description;

  Setting(String env, String defaultValue, String description) {
    this.env = env;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String env() {
    return env;
  }

  /** The default as written in the README, or null when unset by default. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
