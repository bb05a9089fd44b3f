package dev.ssegateway.publisher;

/**
 * Rules for the values that go into SSE fields ({@code event:}, {@code id:}, {@code retry:}).
 *
 * <p>A field value is written on one line of the event stream, so CR, LF (which would end the
 * line and let the value inject fields or events of its own) and NUL are never allowed. Data is not
 * checked here: the gateway writes each of its lines as its own {@code data:} field.
 */
public final class EventFields {

    /** The longest event name, in characters (Unicode code points). */
    public static final int MAX_EVENT_NAME_LENGTH = 64;

    /** Event names starting with this (case-sensitive) are the gateway's own events. */
    public static final String RESERVED_EVENT_PREFIX = "sse-";

    /** The longest retry hint: one day, in milliseconds. */
    public static final int MAX_RETRY_MS = 86_400_000;

    private EventFields() {
    }

    /**
     * Checks an event name: {@code null} (the default {@code message} event) or 1 to 64 characters
     * without CR, LF or NUL, not starting with {@value #RESERVED_EVENT_PREFIX}.
     *
     * @throws InvalidInputException 400 {@code invalid_event} or {@code reserved_event}
     */
    public static void validateEventName(String event) {
        if (event == null) {
            return;
        }
        if (event.isEmpty()) {
            throw invalidEvent("it is empty (leave it out for the default \"message\" event)");
        }
        if (containsLineBreakOrNul(event)) {
            throw invalidEvent("it contains CR, LF or NUL");
        }
        if (!Utf8.isEncodable(event)) {
            throw invalidEvent("it contains an unpaired UTF-16 surrogate");
        }
        int length = event.codePointCount(0, event.length());
        if (length > MAX_EVENT_NAME_LENGTH) {
            throw invalidEvent("it has " + length + " characters");
        }
        if (isReservedEventName(event)) {
            throw InvalidInputException.badRequest("reserved_event", "Event names starting with \""
                    + RESERVED_EVENT_PREFIX + "\" are reserved for the gateway's own events.");
        }
    }

    /** Whether {@code event} is one of the gateway's own event names. */
    public static boolean isReservedEventName(String event) {
        return event != null && event.startsWith(RESERVED_EVENT_PREFIX);
    }

    /**
     * Checks an event id (for example a {@code Last-Event-ID} header): {@code null}, or any text
     * without CR, LF or NUL. Empty is allowed: in SSE it means "no id".
     *
     * @throws InvalidInputException 400 {@code invalid_id}
     */
    public static void validateId(String id) {
        if (id == null) {
            return;
        }
        if (containsLineBreakOrNul(id) || !Utf8.isEncodable(id)) {
            throw InvalidInputException.badRequest("invalid_id",
                    "Invalid event id: it must not contain CR, LF, NUL or unpaired surrogates.");
        }
    }

    /**
     * Checks a retry hint: {@code null} (none) or 0 to {@value #MAX_RETRY_MS} milliseconds.
     *
     * @throws InvalidInputException 400 {@code invalid_retry}
     */
    public static void validateRetry(Integer retryMs) {
        if (retryMs != null && (retryMs < 0 || retryMs > MAX_RETRY_MS)) {
            throw invalidRetry();
        }
    }

    /** Whether {@code text} holds a character that would break an SSE field line. */
    public static boolean containsLineBreakOrNul(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }

    static InvalidInputException invalidRetry() {
        return InvalidInputException.badRequest("invalid_retry",
                "retry must be an integer number of milliseconds from 0 to " + MAX_RETRY_MS + ".");
    }

    private static InvalidInputException invalidEvent(String problem) {
        return InvalidInputException.badRequest("invalid_event", "Invalid event name: " + problem
                + "; an event name has 1 to " + MAX_EVENT_NAME_LENGTH + " characters without CR, LF or NUL.");
    }
}
