package dev.ssegateway.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

/** Redis connection strings as they may be shown: in logs and error lines, never with a password. */
public final class RedisUrls {
  private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

  private RedisUrls() {}

  /** {@code redis://:secret@host:6379} as {@code redis://***@host:6379}. */
  public static String withoutPassword(String url) {
    return USER_INFO.matcher(url).replaceFirst("//***@");
  }

  public static String withoutPasswords(List<String> urls) {
    return String.join(",", urls.stream().map(RedisUrls::withoutPassword).toList());
  }
}
