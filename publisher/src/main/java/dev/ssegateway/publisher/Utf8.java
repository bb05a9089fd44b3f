package dev.ssegateway.publisher;

/** UTF-8 facts about Java strings, without encoding them. */
final class Utf8 {

    /** What {@link #encodedLength} returns for a string that has no UTF-8 form. */
    static final long NOT_ENCODABLE = -1;

    private Utf8() {
    }

    /**
     * The number of bytes {@code text} takes in UTF-8, or {@link #NOT_ENCODABLE} if it holds an
     * unpaired surrogate (JSON allows the escape {@code "\ud800"} alone; UTF-8 cannot carry it, and
     * encoders would silently replace it with {@code ?}).
     */
    static long encodedLength(CharSequence text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else {
                    return NOT_ENCODABLE;
                }
            } else if (Character.isLowSurrogate(c)) {
                return NOT_ENCODABLE;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static boolean isEncodable(CharSequence text) {
        return encodedLength(text) != NOT_ENCODABLE;
    }
}
