package dev.ssegateway.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checks a setting's value must pass before the node opens a port, beyond the numbers and
 * ranges {@link GatewayConfig} checks itself: enum values, URL schemes, origins, names, files,
 * and the combinations that cannot work. Each failure is one
 * {@link InvalidSettingException} line. Secrets (the publish key, the JWT secret, a Redis
 * password) are never echoed.
 */
final class SettingChecks {
  /** HS256 needs a key at least as long as its hash (RFC 7518 section 3.2): 256 bits. */
  static final int MIN_HS256_SECRET_BYTES = 32;
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");
  private static final Pattern BIND_HOST = Pattern.compile("[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern TOPIC_PATTERN = Pattern.compile("[A-Za-z0-9._\\-:/@=+~*]{1,128}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
  /** Headers the hook's request sets itself, or that change its framing or routing. */
  static final List<String> HOOK_FORBIDDEN_HEADERS = List.of("host", "content-length", "transfer-encoding",
      "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-authorization", "proxy-connection",
      "cookie", "content-type", "accept", "x-forwarded-for");

  private final GatewayConfig config;

  SettingChecks(GatewayConfig config) {
    this.config = config;
  }

  void checkAll() {
    oneOf(Setting.LOG_FORMAT, List.of("text", "json"));
    matches(Setting.NODE_ID, NODE_ID, "1 to 128 characters from A-Z a-z 0-9 . _ -");
    matches(Setting.HTTP_HOST, BIND_HOST, "an IP address or host name to bind, e.g. 0.0.0.0 or 127.0.0.1");
    redis();
    cluster();
    tokens();
    authHook();
    corsOrigins();
    for (String pattern : config.list(Setting.PUBLIC_TOPICS)) {
      if (!TOPIC_PATTERN.matcher(pattern).matches()) {
        throw new InvalidSettingException(Setting.PUBLIC_TOPICS, "'" + pattern + "' is not a topic pattern",
            "a comma list of topic names (1-128 characters from A-Z a-z 0-9 . _ - : / @ = + ~) where * matches any run");
      }
    }
    tls();
  }

  private void redis() {
    if (!config.isSet(Setting.REDIS_URL)) {
      if (!config.string(Setting.REDIS_MODE).equals("standalone")) {
        throw new InvalidSettingException(Setting.REDIS_MODE, "'" + config.string(Setting.REDIS_MODE)
            + "' needs SSE_REDIS_URL, which is unset", "standalone without SSE_REDIS_URL (the embedded memory broker)");
      }
      return;
    }
    String accepted = "redis://[[user]:password@]host:port[/db] or rediss://... (TLS)"
        + (config.string(Setting.REDIS_MODE).equals("standalone") ? "" : ", comma-separated seeds");
    List<String> urls = config.list(Setting.REDIS_URL);
    if (urls.isEmpty()) {
      throw new InvalidSettingException(Setting.REDIS_URL, "no URL is given", accepted);
    }
    for (String url : urls) {
      String shown = RedisUrls.withoutPassword(url);
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new InvalidSettingException(Setting.REDIS_URL, "'" + shown + "' is not a URL", accepted);
      }
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
        throw new InvalidSettingException(Setting.REDIS_URL, "'" + shown + "' has no redis:// or rediss:// scheme", accepted);
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new InvalidSettingException(Setting.REDIS_URL, "'" + shown + "' names no host", accepted);
      }
    }
    String prefix = config.string(Setting.REDIS_PREFIX);
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new InvalidSettingException(Setting.REDIS_PREFIX, "'" + prefix + "' contains a brace",
          "any text without { or } (braces are Redis Cluster hash tags)");
    }
  }

  private void cluster() {
    if (config.isSet(Setting.CLUSTER_MEMBERS) && config.isSet(Setting.CLUSTER_DNS)) {
      throw new InvalidSettingException(Setting.CLUSTER_DNS, "is set together with SSE_CLUSTER_MEMBERS",
          "one way of discovery: SSE_CLUSTER_DNS (Kubernetes) or SSE_CLUSTER_MEMBERS (host:port list)");
    }
    for (String member : config.list(Setting.CLUSTER_MEMBERS)) {
      int colon = member.lastIndexOf(':');
      String host = colon < 0 ? member : member.substring(0, colon);
      String port = colon < 0 ? "5701" : member.substring(colon + 1);
      if (!HOST.matcher(host).matches() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65535) {
        throw new InvalidSettingException(Setting.CLUSTER_MEMBERS, "'" + member + "' is not host:port",
            "a comma list of host:port (port 1-65535, no ranges), e.g. 10.0.0.5:5701,10.0.0.6:5701");
      }
    }
    if (config.isSet(Setting.CLUSTER_DNS)) {
      matches(Setting.CLUSTER_DNS, HOST, "a DNS name, e.g. sse-gateway-headless.default.svc.cluster.local");
    }
  }

  private void tokens() {
    if (config.isSet(Setting.JWT_SECRET)) {
      int bytes = config.string(Setting.JWT_SECRET).getBytes(StandardCharsets.UTF_8).length;
      if (bytes < MIN_HS256_SECRET_BYTES) {
        throw new InvalidSettingException(Setting.JWT_SECRET, "the secret is " + bytes + " bytes long",
            "at least " + MIN_HS256_SECRET_BYTES + " bytes (HS256 needs 256 bits), e.g. from: openssl rand -hex 32");
      }
    }
    if (config.isSet(Setting.JWT_PUBLIC_KEY_FILE)) {
      PemFiles.checkPublicKey(Setting.JWT_PUBLIC_KEY_FILE, config.string(Setting.JWT_PUBLIC_KEY_FILE),
          config.string(Setting.JWT_ALGORITHM));
    }
    if (config.isSet(Setting.JWT_JWKS_URL)) {
      String url = config.string(Setting.JWT_JWKS_URL);
      URI uri = null;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        // reported below
      }
      if (uri == null || uri.getHost() == null
          || !List.of("http", "https").contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
        throw new InvalidSettingException(Setting.JWT_JWKS_URL, "'" + url + "' is not an http(s) URL",
            "an https:// (or http://) URL of a JWKS document");
      }
    }
    matches(Setting.JWT_COOKIE, COOKIE_NAME, "a cookie name: 1 to 64 characters, letters, digits and !#$%&'*+.^_`|~-");
  }

  /**
   * The hook's URL, and the header and cookie names it forwards. Headers that frame or route the
   * hook's own request (Host, Content-Length, Connection...) or carry cookies are refused: forwarding
   * them would let a browser reshape the gateway's call to the backend.
   */
  private void authHook() {
    if (config.isSet(Setting.AUTH_HOOK_URL)) {
      String url = config.string(Setting.AUTH_HOOK_URL);
      URI uri = null;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        // reported below
      }
      if (uri == null || uri.getHost() == null || uri.getRawUserInfo() != null
          || !List.of("http", "https").contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
        throw new InvalidSettingException(Setting.AUTH_HOOK_URL, "'" + url + "' is not an http(s) URL without user info",
            "an http:// or https:// URL of the app's authorization endpoint, e.g. http://app:8000/sse/authorize");
      }
    }
    for (String header : config.list(Setting.AUTH_HOOK_HEADERS)) {
      if (!HEADER_NAME.matcher(header).matches() || HOOK_FORBIDDEN_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
        throw new InvalidSettingException(Setting.AUTH_HOOK_HEADERS, "'" + header + "' cannot be forwarded",
            "a comma list of header names, not " + HOOK_FORBIDDEN_HEADERS + " (cookies: SSE_AUTH_HOOK_COOKIES)");
      }
    }
    for (String cookie : config.list(Setting.AUTH_HOOK_COOKIES)) {
      if (!COOKIE_NAME.matcher(cookie).matches()) {
        throw new InvalidSettingException(Setting.AUTH_HOOK_COOKIES, "'" + cookie + "' is not a cookie name",
            "a comma list of cookie names: 1 to 64 characters, letters, digits and !#$%&'*+.^_`|~-");
      }
    }
  }

  /** Credentials (cookies) are always allowed across the listed origins, so {@code *} can never be. */
  private void corsOrigins() {
    String accepted = "a comma list of origins scheme://host[:port] (http or https, no path), e.g."
        + " https://app.example.com; * is refused because the gateway allows credentials (cookies)";
    for (String origin : config.list(Setting.CORS_ORIGINS)) {
      if (origin.contains("*")) {
        throw new InvalidSettingException(Setting.CORS_ORIGINS, "'" + origin + "' is a wildcard", accepted);
      }
      URI uri = null;
      try {
        uri = new URI(origin);
      } catch (URISyntaxException e) {
        // reported below
      }
      boolean plain = uri != null && uri.getHost() != null
          && List.of("http", "https").contains(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
      if (!plain) {
        throw new InvalidSettingException(Setting.CORS_ORIGINS, "'" + origin + "' is not an origin", accepted);
      }
    }
  }

  private void tls() {
    // Both set or both unset: GatewayConfig checked that first.
    if (config.isSet(Setting.TLS_CERT)) {
      PemFiles.checkTlsPair(config.string(Setting.TLS_CERT), config.string(Setting.TLS_KEY));
    }
  }

  private void oneOf(Setting s, List<String> values) {
    String v = config.string(s);
    if (!values.contains(v)) {
      throw new InvalidSettingException(s, "'" + v + "' is not a known value", String.join(", ", values));
    }
  }

  private void matches(Setting s, Pattern pattern, String accepted) {
    String v = config.string(s);
    if (v != null && !pattern.matcher(v).matches()) {
      throw new InvalidSettingException(s, "'" + v + "' is not valid", accepted);
    }
  }
}
