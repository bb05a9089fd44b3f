package dev.ssegateway.gateway.auth;

import java.util.List;

/**
 * A topic name with optional {@code *} wildcards, each matching any run of characters
 * ({@code orders/*} matches {@code orders/42} and {@code orders/eu/42}; {@code *} matches all).
 * Used by token grants and {@code SSE_PUBLIC_TOPICS}.
 *
 * <p>Matching is a linear-time glob match, not a regular expression: a grant such as
 * {@code *a*a*a*a*a*a*a*a*b} would make a backtracking regex run for hours against a 128-character
 * topic, on an event loop.
 */
public final class TopicPattern {
  private final String text;

  private TopicPattern(String text) {
    this.text = text;
  }

  public static TopicPattern of(String text) {
    return new TopicPattern(text);
  }

  public static List<TopicPattern> all(List<String> texts) {
    return texts.stream().map(TopicPattern::of).toList();
  }

  public boolean matches(String topic) {
    // Greedy glob matching: on a mismatch, let the last '*' absorb one more character. Each
    // character of the topic is passed over at most once per '*' restart: O(pattern x topic).
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < topic.length()) {
      if (p < text.length() && text.charAt(p) == '*') {
        star = p++;
        resume = t;
      } else if (p < text.length() && text.charAt(p) == topic.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < text.length() && text.charAt(p) == '*') {
      p++;
    }
    return p == text.length();
  }

  public static boolean anyMatches(List<TopicPattern> patterns, String topic) {
    for (TopicPattern p : patterns) {
      if (p.matches(topic)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}
