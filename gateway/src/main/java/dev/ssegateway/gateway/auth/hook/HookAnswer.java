package dev.ssegateway.gateway.auth.hook;

import dev.ssegateway.gateway.auth.Principal;
import dev.ssegateway.gateway.auth.TopicPattern;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the auth backend's answer, strictly: the backend is trusted to decide, but what comes back
 * over the wire (a misconfigured proxy's HTML page, a framework's error JSON, a bug) must never
 * become a grant by accident. Anything but the documented shape is an {@link InvalidAnswer}, which
 * the gateway treats as a denial and logs.
 *
 * <pre>
 * 200 {"allow": true, "sub": "alice", "topics": ["orders/*", "user.alice"], "cacheMs": 30000}
 * 200 {"allow": false, "status": 401, "cacheMs": 5000}   (status 401 or 403, default 403)
 * 401 or 403, any body: denied with that status
 * </pre>
 */
public final class HookAnswer {
  /** Largest answer body read; a longer one is cut off and refused. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  /** Most topic patterns one answer may grant. */
  static final int MAX_TOPICS = 1000;
  static final int MAX_SUB_LENGTH = 256;
  /** Longest lifetime a cached decision gets, whatever the backend asks for. */
  public static final long MAX_CACHE_MS = 300_000;
  /** Same characters as topic names, plus the {@code *} wildcard (as SSE_PUBLIC_TOPICS). */
  private static final Pattern TOPIC_PATTERN = Pattern.compile("[A-Za-z0-9._\\-:/@=+~*]{1,128}");

  /** The answer is not of the documented shape; the message says what is wrong (never the body). */
  public static final class InvalidAnswer extends RuntimeException {
    InvalidAnswer(String message) {
      super(message, null, false, false);
    }
  }

  private HookAnswer() {}

  /** @param status the backend's HTTP status, not 5xx (the caller treats those as failures) */
  public static HookDecision read(int status, Buffer body) {
    if (status == 401 || status == 403) {
      return HookDecision.deny(status, 0);
    }
    if (status != 200) {
      throw new InvalidAnswer("HTTP status " + status + " (expected 200, 401 or 403)");
    }
    JsonObject json;
    try {
      json = new JsonObject(body.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidAnswer("the body is not a JSON object");
    }
    if (!(json.getValue("allow") instanceof Boolean allow)) {
      throw new InvalidAnswer("'allow' is not true or false");
    }
    long cacheMs = cacheMs(json.getValue("cacheMs"));
    if (!allow) {
      Object s = json.getValue("status");
      if (s == null) {
        return HookDecision.deny(403, cacheMs);
      }
      if (!(s instanceof Integer i) || (i != 401 && i != 403)) {
        throw new InvalidAnswer("'status' is not 401 or 403");
      }
      return HookDecision.deny(i, cacheMs);
    }
    return HookDecision.allow(new Principal(sub(json.getValue("sub")), topics(json.getValue("topics")), List.of(), 0),
        cacheMs);
  }

  private static long cacheMs(Object value) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw new InvalidAnswer("'cacheMs' is not a whole number of milliseconds >= 0");
    }
    return Math.min(MAX_CACHE_MS, ((Number) value).longValue());
  }

  private static String sub(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_SUB_LENGTH) {
      throw new InvalidAnswer("'sub' is not a string of 1 to " + MAX_SUB_LENGTH + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw new InvalidAnswer("'sub' contains a control character");
      }
    }
    return s;
  }

  private static List<TopicPattern> topics(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new InvalidAnswer("'topics' is not an array of topic patterns");
    }
    if (array.size() > MAX_TOPICS) {
      throw new InvalidAnswer("'topics' has " + array.size() + " entries (at most " + MAX_TOPICS + ")");
    }
    List<String> texts = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s) || !TOPIC_PATTERN.matcher(s).matches()) {
        throw new InvalidAnswer("'topics' holds something that is not a topic pattern");
      }
      texts.add(s);
    }
    return TopicPattern.all(texts);
  }
}
