package dev.ssegateway.gateway.auth;

import java.util.List;

/**
 * Who is connecting or publishing, and what they may do.
 *
 * @param user the token's {@code sub} (limits count per user), or null when anonymous
 * @param subscribe topic patterns this principal may subscribe to
 * @param publish topic patterns this principal may publish to
 * @param expiresAtMs when the token expires (epoch ms), or 0 when it does not
 */
public record Principal(String user, List<TopicPattern> subscribe, List<TopicPattern> publish, long expiresAtMs) {
  public static final Principal ANONYMOUS = new Principal(null, List.of(), List.of(), 0);

  public boolean maySubscribe(String topic) {
    return TopicPattern.anyMatches(subscribe, topic);
  }

  public boolean mayPublish(String topic) {
    return TopicPattern.anyMatches(publish, topic);
  }
}
