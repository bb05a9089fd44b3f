package dev.ssegateway.publisher;

import java.util.List;

/**
 * The ids of events published together, in the order they were given.
 *
 * @param ids      one id per event
 * @param replayed true when these are the ids of an earlier call with the same idempotency key:
 *                 nothing was published this time
 */
public record PublishedIds(List<String> ids, boolean replayed) {

    public PublishedIds {
        ids = List.copyOf(ids);
    }
}
