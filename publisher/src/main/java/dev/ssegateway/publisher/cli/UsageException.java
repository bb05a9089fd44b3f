package dev.ssegateway.publisher.cli;

/** The command line cannot be run as given; the message says why, for stderr. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
