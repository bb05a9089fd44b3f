package dev.ssegateway.publisher;

/**
 * Input that can never be published as given: a client error, never worth retrying.
 *
 * <p>The gateway answers it with {@link #status()} and the JSON body
 * {@code {"error": code(), "message": getMessage()}}.
 */
public final class InvalidInputException extends RuntimeException {

    public static final int BAD_REQUEST = 400;
    public static final int PAYLOAD_TOO_LARGE = 413;
    /** A well-formed request that conflicts with an earlier one (an idempotency key reused). */
    public static final int UNPROCESSABLE = 422;

    private final int status;
    private final String code;

    /**
     * @param status  the HTTP status to answer with: {@link #BAD_REQUEST}, {@link #PAYLOAD_TOO_LARGE} or {@link #UNPROCESSABLE}
     * @param code    a stable, machine-readable snake_case code such as {@code invalid_topic}
     * @param message a sentence for people, saying what is wrong and what is accepted
     */
    public InvalidInputException(int status, String code, String message) {
        // No stack trace: these are expected, possibly frequent under hostile traffic, and the
        // code and message say everything; filling a trace per bad request would be wasted work.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static InvalidInputException badRequest(String code, String message) {
        return new InvalidInputException(BAD_REQUEST, code, message);
    }

    public static InvalidInputException tooLarge(String code, String message) {
        return new InvalidInputException(PAYLOAD_TOO_LARGE, code, message);
    }

    /** The HTTP status: 400, 413 or 422. */
    public int status() {
        return status;
    }

    /** The machine-readable error code, snake_case. */
    public String code() {
        return code;
    }
}
