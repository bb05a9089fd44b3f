package dev.ssegateway.publisher;

import dev.ssegateway.publisher.RedisTestClient.Subscription;
import dev.ssegateway.publisher.cli.PublishCli;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A one-node Redis Cluster owning every slot: enough to prove the script and SPUBLISH run in cluster mode. */
@DisplayName("Publishing to Redis Cluster")
class ClusterPublishTest {

    private static RedisServer server;
    private static Vertx vertx;
    private static RedisTestClient node;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        server = RedisServer.start("--cluster-enabled", "yes");
        vertx = Vertx.vertx();
        node = new RedisTestClient(vertx, server.url());
        node.send("CLUSTER", "ADDSLOTSRANGE", 0, 16383);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!node.send("CLUSTER", "INFO").toString().contains("cluster_state:ok")) {
            assertThat(System.nanoTime()).as("cluster_state:ok within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stopCluster() {
        node.close();
        RedisTestClient.await(vertx.close());
        server.close();
    }

    @Test
    @DisplayName("the blocking Publisher in cluster mode stores the event and SPUBLISHes it")
    void publisherInClusterMode() {
        RedisOptions cluster = new RedisOptions().setConnectionString(server.url()).setType(RedisClientType.CLUSTER);
        try (Subscription subscription = node.ssubscribe("sse:{clustered}");
             Publisher publisher = Publisher.connect(cluster, new PublisherOptions().setSharded(true))) {
            String id = publisher.publish("clustered", "e", "x");
            assertThat(WireMessage.decode(subscription.nextPayload())).isEqualTo(new WireMessage(id, "e", "x", null, false));
            assertThat(node.xrange("sse:{clustered}:h")).containsOnlyKeys(id);
        }
    }

    @Test
    @DisplayName("the CLI publishes with --cluster")
    void cliInClusterMode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PublishCli.run(new String[] {"--redis", server.url(), "--cluster", "--topic", "cli-clustered", "--data", "x"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        assertThat(err.toString()).isEmpty();
        assertThat(status).isZero();
        assertThat(node.xrange("sse:{cli-clustered}:h")).containsOnlyKeys(out.toString().trim());
    }
}
