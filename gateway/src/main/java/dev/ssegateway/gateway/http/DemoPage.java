package dev.ssegateway.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The demo page at {@code GET /} (off with SSE_DEMO_PAGE=false). It is served with a
 * Content-Security-Policy that allows only its own inline script, by hash, computed here from the
 * page itself (so an edit to the page cannot silently break it), and may connect only to this
 * origin; it may not be framed (clickjacking the publish form).
 */
final class DemoPage {
  static final String PATH = "webroot/index.html";

  private final String html;
  private final String policy;

  DemoPage() {
    try (InputStream in = DemoPage.class.getClassLoader().getResourceAsStream(PATH)) {
      if (in == null) {
        throw new IllegalStateException(PATH + " is missing from the classpath");
      }
      html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    policy = "default-src 'none'; script-src " + scriptHashes(html) + "; style-src 'unsafe-inline'; "
        + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  void serve(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", policy)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  String policy() {
    return policy;
  }

  /** {@code 'sha256-...'} of each inline {@code <script>} of the page. */
  static String scriptHashes(String html) {
    StringBuilder sources = new StringBuilder();
    int from = 0;
    while (true) {
      int open = html.indexOf("<script>", from);
      if (open < 0) {
        break;
      }
      int close = html.indexOf("</script>", open);
      String script = html.substring(open + "<script>".length(), close);
      sources.append(sources.length() == 0 ? "" : " ").append("'sha256-").append(sha256(script)).append('\'');
      from = close;
    }
    return sources.length() == 0 ? "'none'" : sources.toString();
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
