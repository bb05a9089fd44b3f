package dev.ssegateway.publisher;

/**
 * The rule for topic names.
 *
 * <p>A topic name has <b>1 to 128 characters</b>, each one of
 * <b>{@code A-Z a-z 0-9 . _ - : / @ = + ~}</b>. Nothing else is allowed: no spaces, no {@code *}
 * (topic grants use it as a wildcard), no <code>{ }</code> (Redis Cluster hash tags), no {@code ,}
 * (lists of topics), no control characters and no non-ASCII letters.
 *
 * <p>The rule is strict so that a topic can go unescaped into URLs, Redis key names, logs and
 * metric labels. Examples: {@code orders}, {@code user:42}, {@code tenant-7/chat/room.1}, {@code a=b+c~d@e}.
 */
public final class TopicNames {

    public static final int MAX_LENGTH = 128;

    /** The characters allowed besides ASCII letters and digits. */
    public static final String ALLOWED_PUNCTUATION = "._-:/@=+~";

    private static final String RULE =
            "a topic has 1 to " + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ - : / @ = + ~";

    private TopicNames() {
    }

    /** Whether {@code topic} follows the rule; {@code null} does not. */
    public static boolean isValid(String topic) {
        return topic != null && problem(topic) == null;
    }

    /**
     * Throws unless {@code topic} follows the rule.
     *
     * @throws InvalidInputException 400 {@code missing_topic} for null or empty, 400
     *                               {@code invalid_topic} for anything else that breaks the rule
     */
    public static void validate(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw InvalidInputException.badRequest("missing_topic", "A topic is required: " + RULE + ".");
        }
        String problem = problem(topic);
        if (problem != null) {
            throw InvalidInputException.badRequest("invalid_topic", "Invalid topic: " + problem + "; " + RULE + ".");
        }
    }

    /** Says what breaks the rule, or null. Never echoes the topic itself: it may be huge or hostile. */
    private static String problem(String topic) {
        if (topic.isEmpty()) {
            return "it is empty";
        }
        if (topic.length() > MAX_LENGTH) {
            return "it has " + topic.length() + " characters";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!isAllowed(c)) {
                return "character " + describe(c) + " at index " + i + " is not allowed";
            }
        }
        return null;
    }

    static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ALLOWED_PUNCTUATION.indexOf(c) >= 0;
    }

    private static String describe(char c) {
        String codePoint = String.format("U+%04X", (int) c);
        return c >= 0x20 && c < 0x7F ? "'" + c + "' (" + codePoint + ")" : codePoint;
    }
}
