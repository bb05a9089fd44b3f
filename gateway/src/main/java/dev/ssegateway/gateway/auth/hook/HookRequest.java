package dev.ssegateway.gateway.auth.hook;

import dev.ssegateway.gateway.limits.ClientAddress;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the gateway forwards to the auth backend about one subscribe request: the chosen cookies
 * (as one {@code Cookie} header, so the app's own session middleware reads them unchanged), the
 * chosen headers, and in a JSON body the client address, the topics and the resume position.
 *
 * @param cookieHeader the forwarded {@code Cookie} header, or null when none is forwarded
 * @param headers forwarded headers as name, value pairs, in request order
 * @param clientAddress the client as {@link ClientAddress} resolves it (the per-address limit's)
 * @param topics the requested topics, canonical (validated, sorted, unique)
 * @param lastEventId the resume id ({@code Last-Event-ID} or {@code lastEventId}), or null
 * @param streamId the server-side cursor name, or null
 */
public record HookRequest(String cookieHeader, List<String[]> headers, String clientAddress, String[] topics,
    String lastEventId, String streamId) {

  /**
   * @param cookieNames cookies to forward; empty: all of them
   * @param headerNames headers to forward (case-insensitive)
   */
  public static HookRequest of(HttpServerRequest request, String[] topics, ClientAddress addresses,
      Set<String> cookieNames, List<String> headerNames) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    String client = addresses.resolve(peer, request.headers().getAll("X-Forwarded-For"));
    List<String[]> headers = new ArrayList<>();
    for (String name : headerNames) {
      for (String value : request.headers().getAll(name)) {
        headers.add(new String[] {name, value});
      }
    }
    String header = request.getHeader("Last-Event-ID");
    String lastId = header == null || header.isEmpty() ? request.getParam("lastEventId") : header;
    return new HookRequest(cookies(request.headers().getAll("Cookie"), cookieNames), headers, client, topics,
        lastId == null || lastId.isEmpty() ? null : lastId, request.getParam("streamId"));
  }

  /** The cookies to forward, as one header value; null when there are none. */
  static String cookies(List<String> cookieHeaders, Set<String> names) {
    if (cookieHeaders.isEmpty()) {
      return null;
    }
    if (names.isEmpty()) {
      return String.join("; ", cookieHeaders);
    }
    List<String> kept = new ArrayList<>();
    for (String h : cookieHeaders) {
      for (String pair : h.split(";")) {
        String p = pair.trim();
        int eq = p.indexOf('=');
        if (eq > 0 && names.contains(p.substring(0, eq).trim())) {
          kept.add(p);
        }
      }
    }
    return kept.isEmpty() ? null : String.join("; ", kept);
  }

  public JsonObject body() {
    return new JsonObject()
        .put("topics", new JsonArray(List.of((Object[]) topics)))
        .put("clientAddress", clientAddress)
        .put("lastEventId", lastEventId)
        .put("streamId", streamId);
  }

  /**
   * The decision cache's key: a digest of the cookies, headers, client address and topics, each
   * length-prefixed so that no two different requests share an input. The resume position is left
   * out on purpose: every reconnect carries a new one, and a decision about who may read which
   * topics does not depend on it (the README says so to the backend's authors).
   */
  public String cacheKey() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      field(sha, cookieHeader == null ? "\u0000none" : cookieHeader);
      for (String[] h : headers) {
        field(sha, h[0].toLowerCase(Locale.ROOT));
        field(sha, h[1]);
      }
      field(sha, "\u0000address");
      field(sha, clientAddress);
      for (String t : topics) {
        field(sha, t);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(MessageDigest sha, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
        (byte) bytes.length});
    sha.update(bytes);
  }
}
