package dev.ssegateway.publisher;

import java.util.Map;

import static dev.ssegateway.publisher.WireFormat.RECORD_SEPARATOR;

/**
 * One event as it travels through Redis pub/sub or sits in a topic's history stream.
 *
 * <h2>Pub/sub payload</h2>
 * The publish script sends a <b>structured</b> payload:
 * <pre>"\u001E" + id + "\n" + event + "\n" + retry + "\n" + close + "\n" + data</pre>
 * where {@code id} is the history stream entry id ({@code <ms>-<seq>}), {@code event} and
 * {@code retry} are empty when absent, {@code close} is {@code 1} or {@code 0}, and {@code data}
 * is everything after the fourth LF (it may contain more newlines).
 *
 * <p>Any payload that does not start with 0x1E is <b>raw</b>: a backend did a plain
 * {@code PUBLISH sse:{topic} text}. It is delivered as data only, with no id, no event name and no
 * history. So raw data can never start with 0x1E.
 *
 * <h2>Hostile input</h2>
 * Decoding never throws. What comes from Redis may have bypassed the script, so instead of
 * stripping or repairing anything, a message that cannot be delivered safely is marked:
 * {@link #valid()} is false and {@link #problem()} says why, for the receiver to drop it with a
 * log line. That happens when a structured payload is malformed (too few fields, empty id, retry
 * not 0..86400000, close not 0/1; the message then holds the whole payload as raw data), when
 * the id or event name holds CR, LF or NUL (they would break the SSE framing), and for the other
 * checks listed in {@link #WireMessage(String, String, String, Integer, boolean, String)}.
 * Reserved event names ({@code sse-*}) are not a wire problem: the script refuses them, and the
 * receiver may apply {@link EventFields#isReservedEventName} as policy.
 *
 * @param id      the history stream entry id, or {@code null} for a raw message
 * @param event   the event name, or {@code null} for the default {@code message} event
 * @param data    the data; {@code null} only in an invalid message
 * @param retryMs the retry hint in milliseconds, or {@code null}
 * @param close   whether the topic's streams should end after this event
 * @param problem why this message must not be delivered, or {@code null} when it is valid
 */
public record WireMessage(String id, String event, String data, Integer retryMs, boolean close, String problem) {

    /**
     * Checks the fields when no problem is given. A message is invalid when: data is null; the id
     * is empty or holds CR, LF or NUL; raw data starts with 0x1E (it would decode as structured);
     * the event name is empty (use null) or holds CR, LF or NUL; retry is outside 0..86400000.
     */
    public WireMessage {
        if (problem == null) {
            problem = fieldProblem(id, event, data, retryMs);
        }
    }

    /** A message, valid unless its fields say otherwise. */
    public WireMessage(String id, String event, String data, Integer retryMs, boolean close) {
        this(id, event, data, retryMs, close, null);
    }

    /** What a plain {@code PUBLISH channel data} carries. */
    public static WireMessage raw(String data) {
        return new WireMessage(null, null, data, null, false);
    }

    /** Whether this message may be delivered. */
    public boolean valid() {
        return problem == null;
    }

    /** Whether this message came from a plain PUBLISH rather than the publish script. */
    public boolean isRaw() {
        return id == null;
    }

    /**
     * The pub/sub payload: structured, or just the data for a raw message.
     *
     * @throws IllegalStateException if this message is not {@link #valid()}
     */
    public String encode() {
        if (!valid()) {
            throw new IllegalStateException("Cannot encode an invalid message: " + problem);
        }
        if (isRaw()) {
            return data;
        }
        return RECORD_SEPARATOR + id + '\n' + (event == null ? "" : event) + '\n'
                + (retryMs == null ? "" : retryMs.toString()) + '\n' + (close ? '1' : '0') + '\n' + data;
    }

    /** Reads a pub/sub payload. Never throws; see the class comment for what marks it invalid. */
    public static WireMessage decode(String payload) {
        if (payload == null) {
            return new WireMessage(null, null, null, null, false, "no payload");
        }
        if (payload.isEmpty() || payload.charAt(0) != RECORD_SEPARATOR) {
            return raw(payload);
        }
        int idEnd = payload.indexOf('\n', 1);
        int eventEnd = idEnd < 0 ? -1 : payload.indexOf('\n', idEnd + 1);
        int retryEnd = eventEnd < 0 ? -1 : payload.indexOf('\n', eventEnd + 1);
        int closeEnd = retryEnd < 0 ? -1 : payload.indexOf('\n', retryEnd + 1);
        if (closeEnd < 0) {
            return malformed(payload, "fewer than 5 fields");
        }
        String id = payload.substring(1, idEnd);
        String event = payload.substring(idEnd + 1, eventEnd);
        String retry = payload.substring(eventEnd + 1, retryEnd);
        String close = payload.substring(retryEnd + 1, closeEnd);
        if (id.isEmpty()) {
            return malformed(payload, "empty id");
        }
        Integer retryMs = parseRetry(retry);
        if (retryMs != null && retryMs < 0) {
            return malformed(payload, "retry is not 0.." + EventFields.MAX_RETRY_MS);
        }
        if (!close.equals("0") && !close.equals("1")) {
            return malformed(payload, "close is not 0 or 1");
        }
        return new WireMessage(id, event.isEmpty() ? null : event, payload.substring(closeEnd + 1),
                retryMs, close.equals("1"));
    }

    /**
     * Reads one entry of a topic's history stream (as returned by XRANGE or XREAD), with the
     * fields {@code e}, {@code d}, {@code r}, {@code c}. Never throws. Missing {@code e}, {@code r}
     * or {@code c} mean no event name, no retry, not closing; a missing {@code d} or a malformed
     * {@code r} or {@code c} makes the message invalid.
     */
    public static WireMessage fromStreamEntry(String id, Map<String, String> fields) {
        Map<String, String> entry = fields == null ? Map.of() : fields;
        String event = entry.get(WireFormat.FIELD_EVENT);
        String data = entry.get(WireFormat.FIELD_DATA);
        String retry = entry.getOrDefault(WireFormat.FIELD_RETRY, "");
        String close = entry.getOrDefault(WireFormat.FIELD_CLOSE, "0");
        event = event == null || event.isEmpty() ? null : event;
        if (id == null || id.isEmpty()) {
            return new WireMessage(id, event, data, null, false, "stream entry without an id");
        }
        if (data == null) {
            return new WireMessage(id, event, null, null, false, "stream entry without a 'd' field");
        }
        Integer retryMs = parseRetry(retry);
        if (retryMs != null && retryMs < 0) {
            return new WireMessage(id, event, data, null, false, "stream entry with a malformed 'r' field");
        }
        if (!close.equals("0") && !close.equals("1")) {
            return new WireMessage(id, event, data, retryMs, false, "stream entry with a malformed 'c' field");
        }
        return new WireMessage(id, event, data, retryMs, close.equals("1"));
    }

    /** null for "", the value for 0..MAX_RETRY_MS in plain digits, -1 for anything else. */
    private static Integer parseRetry(String retry) {
        if (retry == null || retry.isEmpty()) {
            return null;
        }
        if (retry.length() > 8 || !retry.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int value = Integer.parseInt(retry);
        return value <= EventFields.MAX_RETRY_MS ? value : -1;
    }

    private static WireMessage malformed(String payload, String why) {
        return new WireMessage(null, null, payload, null, false, "malformed structured payload: " + why);
    }

    private static String fieldProblem(String id, String event, String data, Integer retryMs) {
        if (data == null) {
            return "no data";
        }
        if (id != null && (id.isEmpty() || EventFields.containsLineBreakOrNul(id))) {
            return "id is empty or contains CR, LF or NUL";
        }
        if (id == null && !data.isEmpty() && data.charAt(0) == RECORD_SEPARATOR) {
            return "raw data starts with 0x1E, which marks structured payloads";
        }
        if (event != null && (event.isEmpty() || EventFields.containsLineBreakOrNul(event))) {
            return "event name is empty or contains CR, LF or NUL";
        }
        if (retryMs != null && (retryMs < 0 || retryMs > EventFields.MAX_RETRY_MS)) {
            return "retry is not 0.." + EventFields.MAX_RETRY_MS;
        }
        return null;
    }
}
