package dev.ssegateway.publisher;

import dev.ssegateway.publisher.JsonObjectReader.JsonField;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the JSON body of a publish request:
 *
 * <pre>{"topic": "orders", "event": "created", "data": "text or any JSON value", "retry": 5000, "close": false}</pre>
 *
 * <p>{@code topic} and {@code data} are required. {@code data} that is a JSON value other than a
 * string (object, array, number, boolean, null) is sent as its compact JSON text; a string is sent
 * as it is, byte for byte. An optional field given as {@code null} counts as absent. Any other
 * field is an error, so that a typo such as {@code "topics"} is reported rather than ignored.
 *
 * <p>Every failure is an {@link InvalidInputException}: 400 {@code invalid_json},
 * {@code unknown_field}, {@code missing_topic}, {@code invalid_topic}, {@code invalid_event},
 * {@code reserved_event}, {@code missing_data}, {@code invalid_data}, {@code invalid_retry},
 * {@code invalid_close}; 413 {@code event_too_large}.
 */
public final class PublishRequestParser {

    /** The fields a publish body may have, in the order errors are checked. */
    public static final List<String> FIELDS = List.of("topic", "event", "data", "retry", "close");

    private static final int MAX_NAME_ECHO = 64;

    private PublishRequestParser() {
    }

    /**
     * @param body         the raw request body
     * @param maxDataBytes the largest accepted data, in UTF-8 bytes
     */
    public static PublishRequest parse(Buffer body, int maxDataBytes) {
        return request(JsonObjectReader.read(body), maxDataBytes);
    }

    /**
     * Parses a body that is one event (a JSON object, as {@link #parse}) or a batch: a JSON array of
     * 1 to {@code maxEvents} such objects, each checked by the same rules. Any invalid event fails
     * the whole body, its message naming the event's index ({@code events[2]: ...}).
     *
     * @throws InvalidInputException as {@link #parse}, and 400 {@code empty_batch}, 413 {@code batch_too_large}
     */
    public static PublishBatch parseBatch(Buffer body, int maxDataBytes, int maxEvents) {
        JsonObjectReader.Objects objects = JsonObjectReader.readObjects(body, true, maxEvents);
        List<PublishRequest> events = new ArrayList<>(objects.objects().size());
        for (Map<String, JsonField> fields : objects.objects()) {
            try {
                events.add(request(fields, maxDataBytes));
            } catch (InvalidInputException e) {
                if (!objects.array()) {
                    throw e;
                }
                throw new InvalidInputException(e.status(), e.code(), "events[" + events.size() + "]: " + e.getMessage());
            }
        }
        return new PublishBatch(events, objects.array());
    }

    private static PublishRequest request(Map<String, JsonField> fields, int maxDataBytes) {
        rejectUnknownFields(fields);
        return new PublishRequest(
                topic(fields.get("topic")),
                event(fields.get("event")),
                data(fields.get("data"), maxDataBytes),
                retry(fields.get("retry")),
                close(fields.get("close")));
    }

    private static void rejectUnknownFields(Map<String, JsonField> fields) {
        for (String name : fields.keySet()) {
            if (!FIELDS.contains(name)) {
                throw InvalidInputException.badRequest("unknown_field", "Unknown field \"" + shorten(name)
                        + "\"; a publish request has the fields " + String.join(", ", FIELDS) + ".");
            }
        }
    }

    private static String topic(JsonField field) {
        if (field != null && !field.isNull() && !field.isString()) {
            throw InvalidInputException.badRequest("invalid_topic", "topic must be a string.");
        }
        String topic = field == null ? null : (String) field.value();
        TopicNames.validate(topic);
        return topic;
    }

    private static String event(JsonField field) {
        if (field == null || field.isNull()) {
            return null;
        }
        if (!field.isString()) {
            throw InvalidInputException.badRequest("invalid_event", "event must be a string.");
        }
        String event = (String) field.value();
        EventFields.validateEventName(event);
        return event;
    }

    private static String data(JsonField field, int maxDataBytes) {
        if (field == null) {
            throw InvalidInputException.badRequest("missing_data",
                    "data is required: a string, sent as it is, or any JSON value, sent as JSON text.");
        }
        String data = field.isString() ? (String) field.value() : field.json();
        long bytes = Utf8.encodedLength(data);
        if (bytes == Utf8.NOT_ENCODABLE) {
            throw InvalidInputException.badRequest("invalid_data",
                    "data contains an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF), which is not text.");
        }
        if (bytes > maxDataBytes) {
            throw InvalidInputException.tooLarge("event_too_large", "The event's data is " + bytes
                    + " bytes in UTF-8; the limit is " + maxDataBytes + " bytes.");
        }
        return data;
    }

    private static Integer retry(JsonField field) {
        if (field == null || field.isNull()) {
            return null;
        }
        // Only integer literals: 1.5 and "5000" are mistakes worth reporting, not rounding.
        if (!(field.value() instanceof Number number) || field.kind() != JsonToken.VALUE_NUMBER_INT) {
            throw EventFields.invalidRetry();
        }
        BigInteger value = number instanceof BigInteger big ? big : BigInteger.valueOf(number.longValue());
        if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(EventFields.MAX_RETRY_MS)) > 0) {
            throw EventFields.invalidRetry();
        }
        return value.intValue();
    }

    private static boolean close(JsonField field) {
        if (field == null || field.isNull()) {
            return false;
        }
        if (!(field.value() instanceof Boolean close)) {
            throw InvalidInputException.badRequest("invalid_close", "close must be true or false.");
        }
        return close;
    }

    private static String shorten(String name) {
        if (name.length() <= MAX_NAME_ECHO) {
            return name;
        }
        int end = Character.isHighSurrogate(name.charAt(MAX_NAME_ECHO - 1)) ? MAX_NAME_ECHO - 1 : MAX_NAME_ECHO;
        return name.substring(0, end) + "...";
    }
}
