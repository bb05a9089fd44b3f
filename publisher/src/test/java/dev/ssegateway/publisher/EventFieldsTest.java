package dev.ssegateway.publisher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("SSE field values")
class EventFieldsTest {

    @Test
    @DisplayName("event name: null means the default event and is accepted")
    void nullEventNameIsTheDefault() {
        assertThatCode(() -> EventFields.validateEventName(null)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"message", "order.created", "a", "Bestellung \u00fcberarbeitet", "\uD83D\uDE80 launch", "sse", "x-sse-y"})
    @DisplayName("event name: any text up to 64 characters is accepted, Unicode included")
    void ordinaryEventNamesAreAccepted(String event) {
        assertThatCode(() -> EventFields.validateEventName(event)).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("event name: 64 characters are accepted, counting an emoji as one, and 65 are refused")
    void lengthIsCountedInCharacters() {
        assertThatCode(() -> EventFields.validateEventName("\uD83D\uDE00".repeat(64))).doesNotThrowAnyException();
        assertInvalid(() -> EventFields.validateEventName("e".repeat(65)), "invalid_event");
    }

    @ParameterizedTest(name = "{index}")
    @ValueSource(strings = {"", "a\nb", "a\rb", "a\r\nb", "nul\0", "lone\uD800surrogate"})
    @DisplayName("event name: empty, CR, LF, NUL or a lone surrogate is invalid_event")
    void lineBreaksAreRefused(String event) {
        assertInvalid(() -> EventFields.validateEventName(event), "invalid_event");
    }

    @Test
    @DisplayName("event name: names starting with sse- are reserved_event")
    void gatewayNamesAreReserved() {
        assertInvalid(() -> EventFields.validateEventName("sse-close"), "reserved_event");
        assertThat(EventFields.isReservedEventName("sse-anything")).isTrue();
        assertThat(EventFields.isReservedEventName("SSE-is-case-sensitive")).isFalse();
    }

    @Test
    @DisplayName("id: null, empty and ordinary text are accepted; CR, LF and NUL are invalid_id")
    void idsMustStayOnOneLine() {
        assertThatCode(() -> EventFields.validateId(null)).doesNotThrowAnyException();
        assertThatCode(() -> EventFields.validateId("")).doesNotThrowAnyException();
        assertThatCode(() -> EventFields.validateId("1700000000000-0")).doesNotThrowAnyException();
        assertInvalid(() -> EventFields.validateId("1\n2"), "invalid_id");
        assertInvalid(() -> EventFields.validateId("1\r"), "invalid_id");
        assertInvalid(() -> EventFields.validateId("\0"), "invalid_id");
    }

    @Test
    @DisplayName("retry: null and 0 to 86,400,000 ms are accepted; anything else is invalid_retry")
    void retryIsBounded() {
        assertThatCode(() -> EventFields.validateRetry(null)).doesNotThrowAnyException();
        assertThatCode(() -> EventFields.validateRetry(0)).doesNotThrowAnyException();
        assertThatCode(() -> EventFields.validateRetry(86_400_000)).doesNotThrowAnyException();
        assertInvalid(() -> EventFields.validateRetry(-1), "invalid_retry");
        assertInvalid(() -> EventFields.validateRetry(86_400_001), "invalid_retry");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isNotBlank();
        });
    }
}
