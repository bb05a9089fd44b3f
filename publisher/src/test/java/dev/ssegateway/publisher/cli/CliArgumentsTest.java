package dev.ssegateway.publisher.cli;

import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.cli.CliArguments.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("sse-publish command line")
class CliArgumentsTest {

    @Test
    @DisplayName("a topic and inline data are enough; everything else has its default")
    void minimalCommandLine() {
        CliArguments arguments = CliArguments.parse("--topic", "orders", "--data", "hello");
        assertThat(arguments.help()).isFalse();
        assertThat(arguments.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(arguments.topic()).isEqualTo("orders");
        assertThat(arguments.event()).isNull();
        assertThat(arguments.data()).isEqualTo(new DataSource(DataSource.Kind.TEXT, "hello"));
        assertThat(arguments.retryMs()).isNull();
        assertThat(arguments.close()).isFalse();
        assertThat(arguments.cluster()).isFalse();
        assertThat(arguments.publisherOptions().toString()).isEqualTo(new PublisherOptions().toString());
    }

    @Test
    @DisplayName("every option is read, in either --name value or --name=value form")
    void everyOption() {
        CliArguments arguments = CliArguments.parse("--redis=redis://h:1", "--topic", "t", "--event", "e",
                "--data-file", "/tmp/f", "--retry", "500", "--close", "--prefix=app:", "--sharded");
        assertThat(arguments.redisUrl()).isEqualTo("redis://h:1");
        assertThat(arguments.event()).isEqualTo("e");
        assertThat(arguments.data()).isEqualTo(new DataSource(DataSource.Kind.FILE, "/tmp/f"));
        assertThat(arguments.retryMs()).isEqualTo(500);
        assertThat(arguments.close()).isTrue();
        PublisherOptions options = arguments.publisherOptions();
        assertThat(options.getPrefix()).isEqualTo("app:");
        assertThat(options.isHistoryExplicit()).as("the deployment's policy decides").isFalse();
        assertThat(options.isSharded()).isTrue();
    }

    @Test
    @DisplayName("--data - reads stdin; data may itself look like an option or hold '='")
    void dataSources() {
        assertThat(CliArguments.parse("--topic", "t", "--data", "-").data().kind()).isEqualTo(DataSource.Kind.STDIN);
        assertThat(CliArguments.parse("--topic", "t", "--data", "--close").data().value()).isEqualTo("--close");
        assertThat(CliArguments.parse("--topic", "t", "--data=a=b").data().value()).isEqualTo("a=b");
        assertThat(CliArguments.parse("--topic", "t", "--data", "").data().value()).isEmpty();
    }

    @Test
    @DisplayName("--cluster implies sharded pub/sub")
    void clusterImpliesSharded() {
        CliArguments arguments = CliArguments.parse("--topic", "t", "--data", "x", "--cluster");
        assertThat(arguments.cluster()).isTrue();
        assertThat(arguments.publisherOptions().isSharded()).isTrue();
    }

    @Test
    @DisplayName("--help wins over everything else, even errors")
    void help() {
        assertThat(CliArguments.parse("--help").help()).isTrue();
        assertThat(CliArguments.parse("-h", "--topic", "t").help()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    @DisplayName("a command line that cannot run is a usage error saying why")
    void usageErrors(String why, String[] args, String message) {
        assertThatThrownBy(() -> CliArguments.parse(args))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                arguments("nothing at all", new String[] {}, "--topic is required"),
                arguments("no topic", new String[] {"--data", "x"}, "--topic is required"),
                arguments("no data", new String[] {"--topic", "t"}, "--data"),
                arguments("both data options", new String[] {"--topic", "t", "--data", "x", "--data-file", "f"}, "not both"),
                arguments("a missing value", new String[] {"--data", "x", "--topic"}, "--topic needs a value"),
                arguments("an option given twice", new String[] {"--topic", "a", "--topic", "b", "--data", "x"}, "more than once"),
                arguments("an unknown option", new String[] {"--topic", "t", "--data", "x", "--topics", "u"}, "unknown option --topics"),
                arguments("a stray argument", new String[] {"--topic", "t", "--data", "x", "extra"}, "unexpected argument 'extra'"),
                arguments("a value for a flag", new String[] {"--topic", "t", "--data", "x", "--close=yes"}, "--close takes no value"),
                arguments("a non-numeric retry", new String[] {"--topic", "t", "--data", "x", "--retry", "soon"}, "--retry must be a whole number"),
                arguments("a negative retry", new String[] {"--topic", "t", "--data", "x", "--retry", "-1"}, "--retry must be a whole number"),
                arguments("a zero history size", new String[] {"--topic", "t", "--data", "x", "--history-size", "0"}, "--history-size"),
                arguments("a prefix with a brace", new String[] {"--topic", "t", "--data", "x", "--prefix", "a{"}, "prefix"));
    }

    @Test
    @DisplayName("--sentinel publishes to the master the Sentinels report (--master, default mymaster)")
    void sentinelMode() {
        CliArguments arguments = CliArguments.parse("--redis", "redis://s1:26379,redis://s2:26379", "--sentinel",
                "--topic", "t", "--data", "x");
        assertThat(arguments.sentinelMaster()).isEqualTo("mymaster");
        assertThat(arguments.cluster()).isFalse();
        assertThat(CliArguments.parse("--sentinel", "--master", "events", "--topic", "t", "--data", "x").sentinelMaster())
                .isEqualTo("events");
        assertThat(CliArguments.parse("--topic", "t", "--data", "x").sentinelMaster()).isNull();
        assertThatThrownBy(() -> CliArguments.parse("--sentinel", "--cluster", "--topic", "t", "--data", "x"))
                .isInstanceOf(UsageException.class).hasMessageContaining("either --cluster or --sentinel");
        assertThatThrownBy(() -> CliArguments.parse("--master", "m", "--topic", "t", "--data", "x"))
                .isInstanceOf(UsageException.class).hasMessageContaining("needs --sentinel");
    }

    @Test
    @DisplayName("--history-size and --history-ttl-ms are refused, pointing at the gateway's settings")
    void historyOptionsGone() {
        assertThatThrownBy(() -> CliArguments.parse("--topic", "t", "--data", "x", "--history-size", "10"))
                .isInstanceOf(UsageException.class).hasMessageContaining("SSE_HISTORY_SIZE");
        assertThatThrownBy(() -> CliArguments.parse("--topic", "t", "--data", "x", "--history-ttl-ms=0"))
                .isInstanceOf(UsageException.class).hasMessageContaining("deployment's policy");
    }
}
