package dev.ssegateway.publisher;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("Parsing a publish request body")
class PublishRequestParserTest {

    private static final int LIMIT = 65_536;

    @Test
    @DisplayName("topic and data are enough: no event name, no retry, not closing")
    void minimalRequest() {
        assertThat(parse("{\"topic\":\"orders\",\"data\":\"hello\"}"))
                .isEqualTo(new PublishRequest("orders", null, "hello", null, false));
    }

    @Test
    @DisplayName("every field is read")
    void fullRequest() {
        assertThat(parse("{\"topic\":\"orders\",\"event\":\"created\",\"data\":\"x\",\"retry\":5000,\"close\":true}"))
                .isEqualTo(new PublishRequest("orders", "created", "x", 5000, true));
    }

    @Test
    @DisplayName("optional fields given as null count as absent")
    void nullMeansAbsent() {
        assertThat(parse("{\"topic\":\"t\",\"event\":null,\"data\":\"x\",\"retry\":null,\"close\":null}"))
                .isEqualTo(PublishRequest.of("t", null, "x"));
    }

    @ParameterizedTest(name = "{0} is sent as {1}")
    @MethodSource("jsonValues")
    @DisplayName("data that is not a string is sent as its compact JSON text, numbers exactly as written")
    void jsonDataBecomesJsonText(String value, String expectedData) {
        assertThat(parse("{\"topic\":\"t\",\"data\": " + value + " }").data()).isEqualTo(expectedData);
    }

    static Stream<Arguments> jsonValues() {
        return Stream.of(
                arguments("{ \"id\" : 42, \"tags\" : [ \"a\", \"b\" ] }", "{\"id\":42,\"tags\":[\"a\",\"b\"]}"),
                arguments("[1, 2.50, true, null, {}]", "[1,2.50,true,null,{}]"),
                arguments("{\"s\": \"caf\u00e9 \\n \\u00e9 \\\"q\\\"\"}", "{\"s\":\"caf\u00e9 \\n \u00e9 \\\"q\\\"\"}"),
                arguments("42", "42"),
                arguments("1.10", "1.10"),
                arguments("-0.5e-3", "-0.5e-3"),
                arguments("123456789012345678901234567890", "123456789012345678901234567890"),
                arguments("true", "true"),
                arguments("false", "false"),
                arguments("null", "null"));
    }

    @Test
    @DisplayName("string data is kept exactly: Unicode, emoji, escapes, and CR, LF and CRLF line breaks")
    void stringDataIsKeptExactly() {
        assertThat(parse("{\"topic\":\"t\",\"data\":\"Gr\u00fc\u00dfe \u4f60\u597d \uD83D\uDE80\"}").data())
                .isEqualTo("Gr\u00fc\u00dfe \u4f60\u597d \uD83D\uDE80");
        assertThat(parse("{\"topic\":\"t\",\"data\":\"\\ud83d\\ude00\"}").data()).isEqualTo("\uD83D\uDE00");
        assertThat(parse("{\"topic\":\"t\",\"data\":\"a\\r\\nb\\rc\\nd\\n\\n\"}").data()).isEqualTo("a\r\nb\rc\nd\n\n");
        assertThat(parse("{\"topic\":\"t\",\"data\":\"\"}").data()).isEmpty();
    }

    @Test
    @DisplayName("data up to the limit in UTF-8 bytes is accepted; one byte more is 413 event_too_large")
    void dataIsLimitedInUtf8Bytes() {
        // "é" is 2 bytes and the emoji 4 in UTF-8, though each is one or two Java chars.
        assertThat(PublishRequestParser.parse(body("{\"topic\":\"t\",\"data\":\"\u00e9\uD83D\uDE00\"}"), 6).data())
                .isEqualTo("\u00e9\uD83D\uDE00");
        assertThatThrownBy(() -> PublishRequestParser.parse(body("{\"topic\":\"t\",\"data\":\"\u00e9\uD83D\uDE00x\"}"), 6))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.code()).isEqualTo("event_too_large");
                    assertThat(e.getMessage()).contains("7 bytes").contains("limit is 6 bytes");
                });
    }

    @Test
    @DisplayName("JSON data counts against the limit as its JSON text")
    void jsonDataIsLimitedToo() {
        assertThatThrownBy(() -> PublishRequestParser.parse(body("{\"topic\":\"t\",\"data\":[1,2,3]}"), 6))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    @DisplayName("every malformed request is a 400 with its own code")
    void badRequestsAreRefused(String why, String body, String code) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("an empty body", "", "invalid_json"),
                arguments("a blank body", " \n ", "invalid_json"),
                arguments("a truncated object", "{\"topic\":\"t\"", "invalid_json"),
                arguments("a trailing comma", "{\"topic\":\"t\",\"data\":\"x\",}", "invalid_json"),
                arguments("single quotes", "{'topic':'t','data':'x'}", "invalid_json"),
                arguments("text after the object", "{\"topic\":\"t\",\"data\":\"x\"} {}", "invalid_json"),
                arguments("garbage after the object", "{\"topic\":\"t\",\"data\":\"x\"} oops", "invalid_json"),
                arguments("a duplicate field", "{\"topic\":\"t\",\"topic\":\"u\",\"data\":\"x\"}", "invalid_json"),
                arguments("an array at the top", "[{\"topic\":\"t\",\"data\":\"x\"}]", "invalid_json"),
                arguments("a string at the top", "\"hello\"", "invalid_json"),
                arguments("null at the top", "null", "invalid_json"),
                arguments("a misspelt field", "{\"topics\":\"t\",\"data\":\"x\"}", "unknown_field"),
                arguments("an extra field", "{\"topic\":\"t\",\"data\":\"x\",\"id\":\"1\"}", "unknown_field"),
                arguments("no topic", "{\"data\":\"x\"}", "missing_topic"),
                arguments("a null topic", "{\"topic\":null,\"data\":\"x\"}", "missing_topic"),
                arguments("an empty topic", "{\"topic\":\"\",\"data\":\"x\"}", "missing_topic"),
                arguments("a numeric topic", "{\"topic\":5,\"data\":\"x\"}", "invalid_topic"),
                arguments("a topic with a space", "{\"topic\":\"a b\",\"data\":\"x\"}", "invalid_topic"),
                arguments("a topic with a wildcard", "{\"topic\":\"orders.*\",\"data\":\"x\"}", "invalid_topic"),
                arguments("a numeric event", "{\"topic\":\"t\",\"event\":5,\"data\":\"x\"}", "invalid_event"),
                arguments("an event with LF", "{\"topic\":\"t\",\"event\":\"a\\nb\",\"data\":\"x\"}", "invalid_event"),
                arguments("an event with CR", "{\"topic\":\"t\",\"event\":\"a\\rb\",\"data\":\"x\"}", "invalid_event"),
                arguments("an empty event", "{\"topic\":\"t\",\"event\":\"\",\"data\":\"x\"}", "invalid_event"),
                arguments("a reserved event", "{\"topic\":\"t\",\"event\":\"sse-close\",\"data\":\"x\"}", "reserved_event"),
                arguments("no data", "{\"topic\":\"t\"}", "missing_data"),
                arguments("data with a lone surrogate", "{\"topic\":\"t\",\"data\":\"\\ud800\"}", "invalid_data"),
                arguments("a negative retry", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":-1}", "invalid_retry"),
                arguments("a fractional retry", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":1.5}", "invalid_retry"),
                arguments("a retry in exponent form", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":1e3}", "invalid_retry"),
                arguments("a retry as a string", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":\"5000\"}", "invalid_retry"),
                arguments("a retry over a day", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":86400001}", "invalid_retry"),
                arguments("a huge retry", "{\"topic\":\"t\",\"data\":\"x\",\"retry\":99999999999999999999999}", "invalid_retry"),
                arguments("close as a string", "{\"topic\":\"t\",\"data\":\"x\",\"close\":\"true\"}", "invalid_close"),
                arguments("close as a number", "{\"topic\":\"t\",\"data\":\"x\",\"close\":1}", "invalid_close"));
    }

    @Test
    @DisplayName("an unknown field is named in the message")
    void unknownFieldIsNamed() {
        assertThatThrownBy(() -> parse("{\"topics\":\"t\",\"data\":\"x\"}"))
                .hasMessageContaining("\"topics\"")
                .hasMessageContaining("topic, event, data, retry, close");
    }

    @Test
    @DisplayName("a JSON syntax error says where it is")
    void syntaxErrorsSayWhere() {
        assertThatThrownBy(() -> parse("{\"topic\":\"t\",\n \"data\": }"))
                .hasMessageContaining("line 2, column");
    }

    @Test
    @DisplayName("a body that is not valid UTF-8 is a clean 400 invalid_json")
    void invalidUtf8IsRefused() {
        byte[] prefix = "{\"topic\":\"t\",\"data\":\"".getBytes();
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            Buffer body = Buffer.buffer(prefix).appendBytes(bad).appendString("\"}");
            assertThatThrownBy(() -> PublishRequestParser.parse(body, LIMIT))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_json");
                        assertThat(e.getMessage()).contains("not valid UTF-8").contains("offset " + prefix.length);
                    });
        }
    }

    @Test
    @DisplayName("a UTF-16 body is refused rather than guessed")
    void utf16IsRefused() {
        Buffer body = Buffer.buffer("{\"topic\":\"t\",\"data\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> PublishRequestParser.parse(body, LIMIT))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    @Test
    @DisplayName("a leading byte order mark is tolerated")
    void byteOrderMarkIsTolerated() {
        assertThat(parse("\uFEFF{\"topic\":\"t\",\"data\":\"x\"}").topic()).isEqualTo("t");
    }

    @Test
    @DisplayName("a missing body is an empty body")
    void nullBody() {
        assertThatThrownBy(() -> PublishRequestParser.parse(null, LIMIT))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    @Test
    @DisplayName("deeply nested data is refused as invalid JSON, not a stack overflow")
    void deepNestingIsRefused() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> parse("{\"topic\":\"t\",\"data\":" + deep + "}"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    private static PublishRequest parse(String json) {
        return PublishRequestParser.parse(body(json), LIMIT);
    }

    private static Buffer body(String json) {
        return Buffer.buffer(json); // UTF-8
    }
}
