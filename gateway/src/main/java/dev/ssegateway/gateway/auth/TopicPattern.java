package dev.ssegateway.gateway.auth;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * A topic name with optional {@code *} wildcards, each matching any run of characters
 * ({@code orders/*} matches {@code orders/42} and {@code orders/eu/42}; {@code *} matches all).
 * Used by token grants and {@code SSE_PUBLIC_TOPICS}.
 */
public final class TopicPattern {
  private final String text;
  private final Pattern regex;

  private TopicPattern(String text) {
    this.text = text;
    // Literal parts joined by ".*": nothing but '*' has a special meaning.
    this.regex = Pattern.compile(Arrays.stream(text.split("\\*", -1)).map(Pattern::quote)
        .collect(Collectors.joining(".*")), Pattern.DOTALL);
  }

  public static TopicPattern of(String text) {
    return new TopicPattern(text);
  }

  public static List<TopicPattern> all(List<String> texts) {
    return texts.stream().map(TopicPattern::of).toList();
  }

  public boolean matches(String topic) {
    return regex.matcher(topic).matches();
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
