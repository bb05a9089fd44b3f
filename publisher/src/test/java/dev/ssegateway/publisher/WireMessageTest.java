package dev.ssegateway.publisher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Pub/sub payloads and history entries")
class WireMessageTest {

    @Test
    @DisplayName("a structured payload is 0x1E, then id, event, retry and close on their own lines, then the data")
    void structuredLayout() {
        assertThat(new WireMessage("1700000000000-0", "created", "a\nb", 3000, true).encode())
                .isEqualTo("\u001E1700000000000-0\ncreated\n3000\n1\na\nb");
        assertThat(new WireMessage("5-1", null, "x", null, false).encode())
                .isEqualTo("\u001E5-1\n\n\n0\nx");
    }

    @Test
    @DisplayName("encoding then decoding gives the same message, whatever the data holds")
    void roundTrip() {
        for (String data : new String[] {"", "plain", "a\nb\r\nc\rd\n", "\n\n\n\n", "\u001E inside", "emoji \uD83D\uDE80", "nul\0"}) {
            WireMessage message = new WireMessage("1-2", "evt", data, 0, false);
            assertThat(WireMessage.decode(message.encode())).isEqualTo(message);
            WireMessage bare = new WireMessage("3-4", null, data, null, true);
            assertThat(WireMessage.decode(bare.encode())).isEqualTo(bare);
        }
    }

    @Test
    @DisplayName("a payload not starting with 0x1E is raw: data only, no id, no event")
    void rawPayload() {
        WireMessage message = WireMessage.decode("hello\nworld");
        assertThat(message).isEqualTo(WireMessage.raw("hello\nworld"));
        assertThat(message.isRaw()).isTrue();
        assertThat(message.valid()).isTrue();
        assertThat(message.id()).isNull();
        assertThat(message.encode()).isEqualTo("hello\nworld");
        assertThat(WireMessage.decode("").data()).isEmpty();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @ValueSource(strings = {
            "\u001E", "\u001E1-0", "\u001E1-0\nevt\n\n0", "\u001E\nevt\n\n0\ndata", "\u001E1-0\nevt\nsoon\n0\ndata",
            "\u001E1-0\nevt\n-5\n0\ndata", "\u001E1-0\nevt\n86400001\n0\ndata", "\u001E1-0\nevt\n\nyes\ndata",
            "\u001E1-0\nevt\n\n\ndata", "\u001E1-0\nevt\n+5\n0\ndata"})
    @DisplayName("a malformed structured payload decodes, without throwing, to an invalid raw message")
    void malformedStructuredPayloads(String payload) {
        WireMessage message = WireMessage.decode(payload);
        assertThat(message.valid()).isFalse();
        assertThat(message.problem()).startsWith("malformed structured payload");
        assertThat(message.data()).isEqualTo(payload);
        assertThat(message.id()).isNull();
        assertThatThrownBy(message::encode).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("an event name with CR or NUL from Redis is kept but marks the message invalid")
    void unsafeEventNamesAreFlagged() {
        for (String event : new String[] {"bad\rname", "nul\0"}) {
            WireMessage message = WireMessage.decode("\u001E1-0\n" + event + "\n\n0\ndata");
            assertThat(message.event()).isEqualTo(event);
            assertThat(message.valid()).isFalse();
            assertThat(message.problem()).contains("event name");
        }
    }

    @Test
    @DisplayName("an id with CR from Redis marks the message invalid")
    void unsafeIdsAreFlagged() {
        assertThat(WireMessage.decode("\u001E1-0\r\nevt\n\n0\ndata").valid()).isFalse();
    }

    @Test
    @DisplayName("a reserved event name is not a wire problem: that is the receiver's policy")
    void reservedNamesDecode() {
        WireMessage message = WireMessage.decode("\u001E1-0\nsse-x\n\n0\ndata");
        assertThat(message.valid()).isTrue();
        assertThat(EventFields.isReservedEventName(message.event())).isTrue();
    }

    @Test
    @DisplayName("decoding never throws, not even on null or random bytes")
    void decodingNeverThrows() {
        assertThat(WireMessage.decode(null).valid()).isFalse();
        java.util.Random random = new java.util.Random(42);
        String alphabet = "\u001E\n\r\0-01239ae\uD83D";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder payload = new StringBuilder(random.nextBoolean() ? "\u001E" : "");
            for (int n = random.nextInt(20); n > 0; n--) {
                payload.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThatCode(() -> WireMessage.decode(payload.toString())).doesNotThrowAnyException();
        }
    }

    @Test
    @DisplayName("messages that cannot be encoded safely say why")
    void constructedMessagesAreChecked() {
        assertThat(new WireMessage("1-0", "a\nb", "x", null, false).problem()).contains("event name");
        assertThat(new WireMessage("1-0", "", "x", null, false).problem()).contains("event name");
        assertThat(new WireMessage("", null, "x", null, false).problem()).contains("id");
        assertThat(new WireMessage("1-0", null, null, null, false).problem()).isEqualTo("no data");
        assertThat(new WireMessage("1-0", null, "x", -1, false).problem()).contains("retry");
        assertThat(WireMessage.raw("\u001Elooks structured").problem()).contains("0x1E");
        assertThat(WireMessage.raw("fine").problem()).isNull();
    }

    @Test
    @DisplayName("a history entry's fields e, d, r and c become a message with the entry's id")
    void streamEntries() {
        assertThat(WireMessage.fromStreamEntry("7-1", Map.of("e", "created", "d", "x\ny", "r", "100", "c", "1")))
                .isEqualTo(new WireMessage("7-1", "created", "x\ny", 100, true));
        assertThat(WireMessage.fromStreamEntry("7-2", Map.of("e", "", "d", "x", "r", "", "c", "0")))
                .isEqualTo(new WireMessage("7-2", null, "x", null, false));
    }

    @Test
    @DisplayName("a history entry missing e, r or c gets no event, no retry and no close")
    void streamEntryDefaults() {
        assertThat(WireMessage.fromStreamEntry("7-3", Map.of("d", "x")))
                .isEqualTo(new WireMessage("7-3", null, "x", null, false));
    }

    @Test
    @DisplayName("a history entry written around the script is marked invalid, never thrown")
    void hostileStreamEntries() {
        assertThat(WireMessage.fromStreamEntry("7-4", Map.of("e", "x")).problem()).contains("'d'");
        assertThat(WireMessage.fromStreamEntry("7-5", Map.of("d", "x", "r", "soon")).problem()).contains("'r'");
        assertThat(WireMessage.fromStreamEntry("7-6", Map.of("d", "x", "c", "yes")).problem()).contains("'c'");
        assertThat(WireMessage.fromStreamEntry("7-7", Map.of("d", "x", "e", "a\rb")).valid()).isFalse();
        assertThat(WireMessage.fromStreamEntry(null, Map.of("d", "x")).valid()).isFalse();
        Map<String, String> nulls = new HashMap<>();
        nulls.put("d", null);
        assertThat(WireMessage.fromStreamEntry("7-8", nulls).valid()).isFalse();
        assertThat(WireMessage.fromStreamEntry("7-9", null).valid()).isFalse();
    }
}
