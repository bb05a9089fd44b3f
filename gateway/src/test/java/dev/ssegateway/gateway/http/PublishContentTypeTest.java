package dev.ssegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick start publishes with {@code curl -d}, which sends {@code application/x-www-form-urlencoded}
 * and, past 1 KiB, {@code Expect: 100-continue}. The body is JSON whatever the header says.
 */
@DisplayName("POST /publish reads a JSON body whatever its Content-Type")
class PublishContentTypeTest {
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void startNode() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of());
  }

  @AfterAll
  static void stopNode() {
    gateways.close();
  }

  @ParameterizedTest(name = "Content-Type: {0}")
  @DisplayName("a 4 KiB JSON body sent as curl sends it (Expect: 100-continue) is published")
  @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "application/json", "multipart/form-data; boundary=x"})
  void jsonBodyWithAnyContentType(String contentType) throws Exception {
    String body = new JsonObject().put("topic", "demo").put("data", "x%26y=z&".repeat(512)).encode();
    String answer = curlLikePost(contentType, body);
    assertThat(answer).as(answer).startsWith("HTTP/1.1 100 Continue").contains("HTTP/1.1 200 OK").contains("\"id\":\"");
  }

  @ParameterizedTest(name = "Content-Type: {0}")
  @DisplayName("a body that is not JSON is 400 invalid_json with a message, never \"null\"")
  @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain"})
  void formBodyIsInvalidJson(String contentType) throws Exception {
    String answer = curlLikePost(contentType, "topic=demo&data=" + "x".repeat(2000));
    assertThat(answer).contains("HTTP/1.1 400 ");
    JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n{") + 4));
    assertThat(error.getString("error")).isEqualTo("invalid_json");
    assertThat(error.getString("message")).isNotBlank().isNotEqualTo("null");
  }

  /** What {@code curl -H 'Authorization: Bearer k' -d @body} sends, byte for byte in its framing. */
  private static String curlLikePost(String contentType, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n"
          + "Authorization: Bearer " + Gateways.PUBLISH_KEY + "\r\nContent-Type: " + contentType + "\r\n"
          + "Content-Length: " + bytes.length + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      // Like curl, wait for the interim 100 (curl gives up after 1 s and sends anyway).
      byte[] buf = new byte[8192];
      int n = in.read(buf);
      if (n > 0) {
        received.write(buf, 0, n);
      }
      out.write(bytes);
      out.flush();
      in.transferTo(received);
      return received.toString(StandardCharsets.UTF_8);
    }
  }
}
