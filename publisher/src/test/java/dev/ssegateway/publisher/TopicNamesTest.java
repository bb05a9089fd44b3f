package dev.ssegateway.publisher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Topic names")
class TopicNamesTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"orders", "user:42", "tenant-7/chat/room.1", "a=b+c~d@e", "UPPER_lower_09", "x"})
    @DisplayName("accept letters, digits and . _ - : / @ = + ~")
    void acceptsTheAllowedCharacters(String topic) {
        assertThat(TopicNames.isValid(topic)).isTrue();
        TopicNames.validate(topic);
    }

    @Test
    @DisplayName("accept exactly 128 characters and refuse 129")
    void limitTheLengthTo128() {
        assertThat(TopicNames.isValid("a".repeat(TopicNames.MAX_LENGTH))).isTrue();
        assertThat(TopicNames.isValid("a".repeat(TopicNames.MAX_LENGTH + 1))).isFalse();
        assertThatThrownBy(() -> TopicNames.validate("a".repeat(129)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("129 characters");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a b", "orders*", "{orders}", "a}b", "a,b", "tab\there", "line\nbreak", "nul\0",
            "caf\u00e9", "emoji\uD83D\uDE00", "semi;colon", "quote\"", "back\\slash", "percent%", "hash#", "q?"})
    @DisplayName("refuse spaces, wildcards, hash-tag braces, commas, control and non-ASCII characters")
    void refusesEverythingElse(String topic) {
        assertThat(TopicNames.isValid(topic)).isFalse();
        assertThatThrownBy(() -> TopicNames.validate(topic))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_topic");
                });
    }

    @Test
    @DisplayName("report a missing topic as missing_topic, for null and empty alike")
    void reportMissingTopics() {
        assertThat(TopicNames.isValid(null)).isFalse();
        assertThat(TopicNames.isValid("")).isFalse();
        for (String topic : new String[] {null, ""}) {
            assertThatThrownBy(() -> TopicNames.validate(topic))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.code()).isEqualTo("missing_topic"));
        }
    }

    @Test
    @DisplayName("say which character is wrong and where, without echoing the topic")
    void pointAtTheOffendingCharacter() {
        assertThatThrownBy(() -> TopicNames.validate("secret stuff"))
                .hasMessageContaining("' ' (U+0020) at index 6")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> TopicNames.validate("a\nb")).hasMessageContaining("U+000A at index 1");
    }
}
