package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Request smuggling material (RFC 9112 section 6): each ambiguous request is followed on the same
 * connection by a second request; the node must answer the first with 400 (501 for a coding it
 * does not implement) and close, so the second, which a proxy in front may have framed
 * differently, is never answered.
 */
@DisplayName("Strict HTTP/1.1 framing: CL+TE, duplicate or non-final chunked TE, obs-fold are refused and closed")
class StrictFramingTest {
  private static final String NEXT = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final String PUBLISH = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Authorization: Bearer " + Gateways.PUBLISH_KEY + "\r\nContent-Type: application/json\r\n";
  private static final String BODY = "{\"topic\":\"framing\",\"data\":\"x\"}";
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of());
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static String chunked(String body, String extension) {
    return Integer.toHexString(body.length()) + extension + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  /** Sends {@code request} then {@link #NEXT}; returns the socket after reading for up to 2 s. */
  private static RawSocket exchange(String request) {
    RawSocket s = RawSocket.connect(node.port());
    s.send(request + NEXT);
    s.readFor(Duration.ofSeconds(2));
    return s;
  }

  private static void assertRefusedAndClosed(String name, String request, int status) {
    try (RawSocket s = exchange(request)) {
      System.out.printf("%s: first answer %d, %d answer(s) in all, closed by the server: %s%n",
          name, s.firstStatus(), s.answers(), s.isClosedByPeer());
      assertThat(s.firstStatus()).as(s.received()).isEqualTo(status);
      assertThat(s.answers()).as("the smuggled second request must not be answered").isEqualTo(1);
      assertThat(s.isClosedByPeer()).as("connection closed").isTrue();
      assertThat(s.received()).contains("application/json");
    }
  }

  @Test
  @DisplayName("Content-Length with Transfer-Encoding: chunked -> 400 and close")
  void contentLengthWithChunked() {
    assertRefusedAndClosed("CL+TE", PUBLISH + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked(BODY, ""), 400);
  }

  @Test
  @DisplayName("Transfer-Encoding sent twice -> 400 and close")
  void duplicateTransferEncoding() {
    assertRefusedAndClosed("duplicate TE", PUBLISH + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked(BODY, ""), 400);
  }

  @Test
  @DisplayName("Transfer-Encoding: chunked, identity (chunked not final) -> 400 and close")
  void chunkedNotFinal() {
    assertRefusedAndClosed("TE chunked, identity", PUBLISH + "Transfer-Encoding: chunked, identity\r\n\r\n"
        + chunked(BODY, ""), 400);
  }

  @Test
  @DisplayName("Transfer-Encoding: identity (no chunked at all) -> 400 and close")
  void identityOnly() {
    assertRefusedAndClosed("TE identity", PUBLISH + "Transfer-Encoding: identity\r\n\r\n" + BODY, 400);
  }

  @Test
  @DisplayName("Transfer-Encoding: gzip, chunked (a coding not implemented) -> 501 and close")
  void unsupportedCoding() {
    assertRefusedAndClosed("TE gzip, chunked", PUBLISH + "Transfer-Encoding: gzip, chunked\r\n\r\n"
        + chunked(BODY, ""), 501);
  }

  @Test
  @DisplayName("a folded header line (obs-fold) -> 400 and close")
  void obsFold() {
    assertRefusedAndClosed("obs-fold", "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: a\r\n b\r\n\r\n", 400);
  }

  @Test
  @DisplayName("a valid chunk extension (;x=y) is accepted, and the connection serves the next request")
  void chunkExtensionAccepted() {
    try (RawSocket s = exchange(PUBLISH + "Transfer-Encoding: chunked\r\n\r\n" + chunked(BODY, ";x=y"))) {
      System.out.printf("chunk extension: first answer %d, %d answer(s) in all%n", s.firstStatus(), s.answers());
      assertThat(s.firstStatus()).as(s.received()).isEqualTo(200);
      assertThat(s.answers()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a folded line inside a pipelined request's body is data, not obs-fold")
  void bodyIsNotScannedAsHead() {
    String pretty = "{\n  \"topic\": \"framing\",\n  \"data\": \"x\"\n}";
    String one = PUBLISH + "Content-Length: " + pretty.length() + "\r\n\r\n" + pretty;
    try (RawSocket s = exchange(one + one)) {
      assertThat(s.firstStatus()).as(s.received()).isEqualTo(200);
      assertThat(s.answers()).as(s.received()).isEqualTo(3);
    }
  }
}
