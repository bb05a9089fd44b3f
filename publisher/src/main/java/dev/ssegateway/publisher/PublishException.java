package dev.ssegateway.publisher;

/**
 * A publish that may not have happened: Redis unreachable or failing, or no answer in time.
 * Unlike {@link InvalidInputException}, trying again later may succeed; after a timeout the event
 * may also have been published already.
 */
public class PublishException extends RuntimeException {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
