package dev.ssegateway.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where a token may come from, in this order: {@code Authorization: Bearer}, the token cookie,
 * the {@code access_token} query parameter. Plain EventSource cannot set headers, so browsers use
 * the cookie (preferred: it stays out of URLs, logs and Referer headers) or the query parameter.
 */
public final class TokenSource {
  private final String cookieName;

  public TokenSource(String cookieName) {
    this.cookieName = cookieName;
  }

  /** The token, or null when the request carries none. */
  public String find(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = header.substring(7).trim();
      if (!t.isEmpty()) {
        return t;
      }
    }
    Cookie cookie = request.getCookie(cookieName);
    if (cookie != null && !cookie.getValue().isEmpty()) {
      return cookie.getValue();
    }
    String param = request.getParam("access_token");
    return param == null || param.isEmpty() ? null : param;
  }
}
