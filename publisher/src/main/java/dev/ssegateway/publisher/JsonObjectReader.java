package dev.ssegateway.publisher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body that must be exactly one JSON object into its top-level fields.
 *
 * <p>Uses Jackson's streaming parser rather than a decoded JsonObject so that: the body must be
 * strict UTF-8 (no charset guessing), duplicate keys are rejected instead of the last one silently
 * winning, errors say where they are, and a non-string value keeps its exact JSON text (decoding
 * {@code 1.10} to a double and back would send {@code 1.1}).
 */
final class JsonObjectReader {

    /** One top-level field's value. */
    record JsonField(JsonToken kind, Object value, String json) {

        boolean isNull() {
            return kind == JsonToken.VALUE_NULL;
        }

        boolean isString() {
            return kind == JsonToken.VALUE_STRING;
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonObjectReader() {
    }

    /**
     * @return the fields in document order
     * @throws InvalidInputException 400 {@code invalid_json} for anything but one JSON object in UTF-8
     */
    static Map<String, JsonField> read(Buffer body) {
        Objects objects = readObjects(body, false, 1);
        return objects.objects().get(0);
    }

    /**
     * A body that is one JSON object, or (when {@code arrayAllowed}) a JSON array of objects.
     *
     * @param array   whether the body was an array
     * @param objects the objects' fields, in document order
     */
    record Objects(boolean array, List<Map<String, JsonField>> objects) {
    }

    /**
     * Reads one object, or an array of at most {@code maxObjects} objects.
     *
     * @throws InvalidInputException 400 {@code invalid_json} for anything else, 400 {@code empty_batch}
     *                               for an empty array, 413 {@code batch_too_large} above {@code maxObjects}
     */
    static Objects readObjects(Buffer body, boolean arrayAllowed, int maxObjects) {
        String text = body == null ? "" : decodeUtf8(body.getBytes());
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as some Windows tools send
        }
        String expected = arrayAllowed ? "a JSON object or an array of JSON objects" : "a JSON object";
        if (text.isBlank()) {
            throw invalidJson("The request body is empty; expected " + expected + ".");
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            List<Map<String, JsonField>> objects = new ArrayList<>();
            boolean array = first == JsonToken.START_ARRAY && arrayAllowed;
            if (array) {
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next != JsonToken.START_OBJECT) {
                        throw invalidJson("Element " + objects.size() + " of the array must be a JSON object, not "
                                + describe(next) + ".");
                    }
                    if (objects.size() == maxObjects) {
                        throw InvalidInputException.tooLarge("batch_too_large",
                                "A batch holds at most " + maxObjects + " events; split it.");
                    }
                    objects.add(readFields(parser));
                }
                if (objects.isEmpty()) {
                    throw InvalidInputException.badRequest("empty_batch", "The array holds no events.");
                }
            } else if (first == JsonToken.START_OBJECT) {
                objects.add(readFields(parser));
            } else {
                throw invalidJson("The request body must be " + expected + ", not " + describe(first) + ".");
            }
            if (parser.nextToken() != null) {
                throw invalidJson("Invalid JSON" + where(parser.currentTokenLocation())
                        + ": unexpected content after the " + (array ? "array." : "object."));
            }
            return new Objects(array, objects);
        } catch (JsonProcessingException e) {
            throw invalidJson("Invalid JSON" + where(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()) + ".");
        } catch (IOException e) {
            throw invalidJson("Invalid JSON: " + e.getMessage() + ".");
        }
    }

    /** The fields of the object the parser has just entered, up to its end. */
    private static Map<String, JsonField> readFields(JsonParser parser) throws IOException {
        Map<String, JsonField> fields = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            fields.put(name, readValue(parser));
        }
        return fields;
    }

    private static JsonField readValue(JsonParser parser) throws IOException {
        JsonToken kind = parser.currentToken();
        return switch (kind) {
            case VALUE_STRING -> new JsonField(kind, parser.getText(), null);
            case VALUE_NULL -> new JsonField(kind, null, "null");
            case VALUE_TRUE, VALUE_FALSE -> new JsonField(kind, parser.getBooleanValue(), parser.getText());
            // getText() is the number exactly as written; the value is exact too (BigDecimal for floats).
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new JsonField(kind, parser.getNumberValueExact(), parser.getText());
            default -> new JsonField(kind, null, compactJson(parser));
        };
    }

    /** Re-writes the object or array the parser is on without whitespace, numbers kept exact. */
    private static String compactJson(JsonParser parser) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            int depth = 0;
            do {
                JsonToken token = parser.currentToken();
                generator.copyCurrentEventExact(parser);
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
            } while (depth > 0 && parser.nextToken() != null);
        }
        return out.toString();
    }

    /** Strict UTF-8: a malformed byte is an error, never a silent U+FFFD. */
    private static String decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports errors by default
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw invalidJson("The request body is not valid UTF-8 (bad byte at offset " + in.position() + ").");
        }
        return out.flip().toString();
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static InvalidInputException invalidJson(String message) {
        return InvalidInputException.badRequest("invalid_json", message);
    }
}
