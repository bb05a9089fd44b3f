package dev.ssegateway.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.publisher.cli.PublishCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One history policy per deployment: whatever publishes (the Java library, the CLI, the script
 * run by hand, sharded or not), a topic is trimmed with the policy the gateway nodes wrote at
 * {@code <prefix>history-policy}, and with the documented defaults when none is written.
 */
@DisplayName("Every publisher trims with the deployment's history policy")
class HistoryPolicyTest extends OnRealRedis {
    private static final String POLICY = WireFormat.historyPolicyKey("sse:");

    @AfterEach
    void forgetPolicy() {
        redis.send("DEL", POLICY);
    }

    @Test
    @DisplayName("the library, the sharded library, the CLI and a hand-run EVAL all keep the policy's 3 entries")
    void everyPublisherTrimsAlike() throws Exception {
        redis.send("HSET", POLICY, "size", "3", "ttlMs", "3600000");
        String library = newTopic();
        String sharded = newTopic();
        String cli = newTopic();
        String eval = newTopic();
        try (Publisher publisher = Publisher.connect(server.url())) {
            for (int i = 0; i < 6; i++) {
                publisher.publish(library, null, "e" + i);
            }
        }
        RedisPublisher shardedPublisher = new RedisPublisher(redis.redis(), new PublisherOptions().setSharded(true));
        for (int i = 0; i < 6; i++) {
            RedisTestClient.await(shardedPublisher.publish(PublishRequest.of(sharded, null, "e" + i)));
            assertThat(runCli("--redis", server.url(), "--topic", cli, "--data", "e" + i)).isZero();
            redis.send("EVAL", PublishScript.source(), 1, WireFormat.historyKey("sse:", eval), WireFormat.channel("sse:", eval),
                    "", "e" + i, "", "0", "", "", "PUBLISH");
        }
        for (String topic : new String[] {library, sharded, cli, eval}) {
            assertThat(redis.send("XLEN", WireFormat.historyKey("sse:", topic)).toInteger()).as(topic).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("ttlMs 0: no age limit, and the history key never expires, even one an earlier policy set to expire")
    void zeroTtlNeverExpires() {
        String topic = newTopic();
        String key = WireFormat.historyKey("sse:", topic);
        try (Publisher publisher = Publisher.connect(server.url())) {
            publisher.publish(topic, null, "under the default policy");
            assertThat(redis.send("PTTL", key).toLong()).as("default: expires after a day").isBetween(86_000_000L, 86_400_000L);
            redis.send("HSET", POLICY, "size", "1000", "ttlMs", "0");
            publisher.publish(topic, null, "under a policy without age limit");
        }
        assertThat(redis.send("PTTL", key).toLong()).as("-1: no expiry").isEqualTo(-1);
        assertThat(runCli("--redis", server.url(), "--topic", topic, "--data", "x")).isZero();
        assertThat(redis.send("PTTL", key).toLong()).isEqualTo(-1);
        assertThat(redis.send("XLEN", key).toInteger()).isEqualTo(3);
    }

    @Test
    @DisplayName("without a written policy the defaults apply (1000 entries); a malformed field takes its default")
    void defaultsWithoutPolicy() {
        String topic = newTopic();
        try (Publisher publisher = Publisher.connect(server.url())) {
            for (int i = 0; i < 1005; i++) {
                publisher.publish(topic, null, "e" + i);
            }
            assertThat(redis.send("XLEN", WireFormat.historyKey("sse:", topic)).toInteger()).isEqualTo(1000);
            redis.send("HSET", POLICY, "size", "lots", "ttlMs", "0");
            String other = newTopic();
            for (int i = 0; i < 1002; i++) {
                publisher.publish(other, null, "e" + i);
            }
            assertThat(redis.send("XLEN", WireFormat.historyKey("sse:", other)).toInteger()).isEqualTo(1000);
            assertThat(redis.send("PTTL", WireFormat.historyKey("sse:", other)).toLong()).as("ttlMs 0 still read").isEqualTo(-1);
        }
        assertThat(HistoryPolicy.fromStored("lots", null)).isEqualTo(HistoryPolicy.DEFAULT);
        assertThat(HistoryPolicy.fromStored("5", "0")).isEqualTo(new HistoryPolicy(5, 0));
    }

    @Test
    @DisplayName("an explicit size in the options (the gateway's own publishes) wins over the stored policy")
    void explicitOptionsWin() {
        redis.send("HSET", POLICY, "size", "3", "ttlMs", "0");
        String topic = newTopic();
        RedisPublisher explicit = new RedisPublisher(redis.redis(), new PublisherOptions().setHistorySize(5));
        for (int i = 0; i < 8; i++) {
            RedisTestClient.await(explicit.publish(PublishRequest.of(topic, null, "e" + i)));
        }
        assertThat(redis.send("XLEN", WireFormat.historyKey("sse:", topic)).toInteger()).isEqualTo(5);
    }

    private static int runCli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PublishCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true));
        assertThat(err.toString()).isEmpty();
        return status;
    }

    private static String newTopic() {
        return "policy-" + UUID.randomUUID();
    }
}
