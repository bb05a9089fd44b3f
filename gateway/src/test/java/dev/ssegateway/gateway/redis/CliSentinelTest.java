package dev.ssegateway.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.redis.RedisSentinelGroup;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.publisher.cli.PublishCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CLI in Sentinel mode, on a real master, replica and Sentinel: it follows a failover. */
@DisplayName("sse-publish --sentinel publishes to the master the Sentinel names")
class CliSentinelTest {

  @Test
  @DisplayName("publishes to the master, and after a failover to the promoted replica")
  void followsTheSentinel() {
    try (RedisSentinelGroup group = RedisSentinelGroup.start()) {
      String key = WireFormat.historyKey("sse:", "cli-sentinel");
      String first = publish(group, "before");
      assertThat(Resp.list(group.masterPort(), "XRANGE", key, "-", "+")).hasSize(1);

      group.killMaster();
      group.awaitFailover(30_000);
      String second = publish(group, "after");
      List<Object> history = Resp.list(group.replicaPort(), "XRANGE", key, "-", "+");
      assertThat(history.toString()).as("the promoted replica holds the new event").contains(second);
      assertThat(second).isNotEqualTo(first);
    }
  }

  private static String publish(RedisSentinelGroup group, String data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = PublishCli.run(new String[] {"--redis", "redis://127.0.0.1:1," + group.sentinelUrl(), "--sentinel",
        "--master", RedisSentinelGroup.MASTER_NAME, "--topic", "cli-sentinel", "--data", data},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
    assertThat(status).as("exit status; stderr %s", err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).trim();
  }
}
