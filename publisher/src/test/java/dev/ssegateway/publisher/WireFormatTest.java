package dev.ssegateway.publisher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redis names of a topic")
class WireFormatTest {

    @Test
    @DisplayName("the channel wraps the topic in a hash tag after the prefix")
    void channelName() {
        assertThat(WireFormat.channel("sse:", "orders")).isEqualTo("sse:{orders}");
        assertThat(WireFormat.channel("", "a/b")).isEqualTo("{a/b}");
    }

    @Test
    @DisplayName("the history key is the channel followed by :h")
    void historyKeyName() {
        assertThat(WireFormat.historyKey(WireFormat.DEFAULT_PREFIX, "orders")).isEqualTo("sse:{orders}:h");
    }

    @Test
    @DisplayName("the topic is read back from a channel name")
    void topicOfChannel() {
        assertThat(WireFormat.topicOfChannel("sse:", "sse:{orders}")).isEqualTo("orders");
        assertThat(WireFormat.topicOfChannel("app:sse:", "app:sse:{user:42}")).isEqualTo("user:42");
    }

    @Test
    @DisplayName("channels of other prefixes, history keys and malformed names have no topic")
    void foreignChannelsHaveNoTopic() {
        assertThat(WireFormat.topicOfChannel("sse:", "other:{orders}")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:{orders}:h")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:{}")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:orders")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:{a}b}")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:{a b}")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", "sse:")).isNull();
        assertThat(WireFormat.topicOfChannel("sse:", null)).isNull();
    }
}
