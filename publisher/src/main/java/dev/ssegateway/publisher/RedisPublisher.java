package dev.ssegateway.publisher;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes events through the publish script, asynchronously, on a Redis client you own.
 *
 * <p>History is trimmed with the deployment's policy (see {@link HistoryPolicy}) unless the
 * options set an explicit one: on standalone Redis and Sentinel the script reads the policy itself
 * (the arguments are ''); in Redis Cluster, where the script cannot reach the policy key on
 * another shard, this class reads it with HMGET and keeps it for {@value #POLICY_REFRESH_MS} ms.
 *
 * <p>Each publish validates the request, then runs EVALSHA; on {@code NOSCRIPT} (a fresh or
 * restarted Redis, or a failover) it runs EVAL once, which also loads the script for next time.
 * Nothing else is retried: any other failure fails the Future with Redis' error, since a blind
 * retry could publish an event twice.
 */
public final class RedisPublisher {

    /** How long a policy read from Redis Cluster is used before it is read again. */
    public static final long POLICY_REFRESH_MS = 5000;

    private final Redis redis;
    private final PublisherOptions options;
    private volatile HistoryPolicy clusterPolicy;
    private volatile long clusterPolicyReadAtMs;

    public RedisPublisher(Redis redis, PublisherOptions options) {
        this.redis = redis;
        this.options = new PublisherOptions(options); // a copy: later changes to the caller's don't leak in
    }

    /**
     * @return a Future of the new event's id ({@code <ms>-<seq>}); failed with an
     *         {@link InvalidInputException} for invalid input, or with Redis' error
     */
    public Future<String> publish(PublishRequest request) {
        try {
            validate(request);
        } catch (InvalidInputException e) {
            return Future.failedFuture(e);
        }
        return historyArguments().compose(history -> redis.send(script(Command.EVALSHA, PublishScript.sha1(), request, history))
                .recover(error -> isNoScript(error)
                        ? redis.send(script(Command.EVAL, PublishScript.source(), request, history))
                        : Future.failedFuture(error)))
                .map(Response::toString);
    }

    /**
     * Publishes events of one topic in one atomic step (publish-batch.lua): all are appended and
     * broadcast in the order given, or, on any error, none. With {@code idempotency}, the ids are
     * kept for its ttl under the topic, and a later call with the same record id gets them back
     * ({@link PublishedIds#replayed()}) without publishing; with another fingerprint it fails
     * with 422 {@code idempotency_key_reused}.
     *
     * @param idempotency null for a plain batch
     */
    public Future<PublishedIds> publishBatch(List<PublishRequest> events, Idempotency idempotency) {
        try {
            if (events.isEmpty()) {
                throw InvalidInputException.badRequest("empty_batch", "The batch holds no events.");
            }
            for (PublishRequest e : events) {
                validate(e);
                if (!e.topic().equals(events.get(0).topic())) {
                    throw new IllegalArgumentException("publishBatch takes events of one topic; got "
                            + events.get(0).topic() + " and " + e.topic());
                }
            }
        } catch (InvalidInputException | IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return historyArguments().compose(history -> redis.send(batchScript(Command.EVALSHA, PublishBatchScript.sha1(),
                        events, idempotency, history))
                .recover(error -> isNoScript(error)
                        ? redis.send(batchScript(Command.EVAL, PublishBatchScript.source(), events, idempotency, history))
                        : Future.failedFuture(error)))
                .recover(error -> String.valueOf(error.getMessage()).startsWith("IDEMPOTENCY_KEY_REUSED")
                        ? Future.failedFuture(Idempotency.reused())
                        : Future.failedFuture(error))
                .map(r -> {
                    List<String> ids = new ArrayList<>(r.size() - 1);
                    for (int i = 1; i < r.size(); i++) {
                        ids.add(r.get(i).toString());
                    }
                    return new PublishedIds(ids, r.get(0).toInteger() == 1);
                });
    }

    /**
     * Claims an idempotency key for a call before any of its topics is published: succeeds when
     * the key is new or was claimed with the same fingerprint (a retry), fails with 422
     * {@code idempotency_key_reused} when it was claimed for another body. One {@code SET NX GET},
     * kept for the record's ttl.
     */
    public Future<Void> claimIdempotencyKey(Idempotency idempotency) {
        return redis.send(Request.cmd(Command.SET)
                        .arg(WireFormat.idempotencyClaimKey(options.getPrefix(), idempotency.recordId()))
                        .arg(idempotency.fingerprint()).arg("NX").arg("PX").arg(idempotency.ttlMs()).arg("GET"))
                .compose(previous -> previous == null || previous.toString().equals(idempotency.fingerprint())
                        ? Future.succeededFuture()
                        : Future.failedFuture(Idempotency.reused()));
    }

    /** EVAL/EVALSHA of publish-batch.lua with the arguments in the order its header documents. */
    private Request batchScript(Command command, String scriptOrSha, List<PublishRequest> events,
            Idempotency idempotency, String[] history) {
        String prefix = options.getPrefix();
        String topic = events.get(0).topic();
        Request r = Request.cmd(command).arg(scriptOrSha).arg(idempotency == null ? 1 : 2)
                .arg(WireFormat.historyKey(prefix, topic));
        if (idempotency != null) {
            r.arg(WireFormat.idempotencyRecordKey(prefix, topic, idempotency.recordId()));
        }
        r.arg(WireFormat.channel(prefix, topic)).arg(history[0]).arg(history[1]).arg(options.publishCommand())
                .arg(idempotency == null ? "" : idempotency.fingerprint())
                .arg(idempotency == null ? "" : Long.toString(idempotency.ttlMs()))
                .arg(events.size());
        for (PublishRequest e : events) {
            r.arg(e.event() == null ? "" : e.event())
                    .arg(e.data())
                    .arg(e.retryMs() == null ? "" : e.retryMs().toString())
                    .arg(e.close() ? "1" : "0");
        }
        return r;
    }

    /** maxLen and maxAgeMs for the script: explicit, '' (the script reads the policy), or read here. */
    private Future<String[]> historyArguments() {
        if (options.isHistoryExplicit()) {
            return Future.succeededFuture(new String[] {
                Integer.toString(options.getHistorySize()), Long.toString(options.getHistoryMaxAgeMs())});
        }
        if (!options.isSharded()) {
            return Future.succeededFuture(new String[] {"", ""});
        }
        HistoryPolicy cached = clusterPolicy;
        if (cached != null && System.currentTimeMillis() - clusterPolicyReadAtMs < POLICY_REFRESH_MS) {
            return Future.succeededFuture(arguments(cached));
        }
        return redis.send(Request.cmd(Command.HMGET).arg(WireFormat.historyPolicyKey(options.getPrefix()))
                        .arg(WireFormat.POLICY_SIZE).arg(WireFormat.POLICY_TTL_MS))
                .map(r -> {
                    HistoryPolicy policy = HistoryPolicy.fromStored(text(r.get(0)), text(r.get(1)));
                    clusterPolicy = policy;
                    clusterPolicyReadAtMs = System.currentTimeMillis();
                    return arguments(policy);
                });
    }

    private static String[] arguments(HistoryPolicy policy) {
        return new String[] {Integer.toString(policy.size()), Long.toString(policy.ttlMs())};
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
    }

    public PublisherOptions options() {
        return new PublisherOptions(options);
    }

    private void validate(PublishRequest request) {
        TopicNames.validate(request.topic());
        EventFields.validateEventName(request.event());
        EventFields.validateRetry(request.retryMs());
        if (request.data() == null) {
            throw InvalidInputException.badRequest("missing_data", "data is required.");
        }
        long bytes = Utf8.encodedLength(request.data());
        if (bytes == Utf8.NOT_ENCODABLE) {
            throw InvalidInputException.badRequest("invalid_data", "data contains an unpaired UTF-16 surrogate.");
        }
        if (bytes > options.getMaxDataBytes()) {
            throw InvalidInputException.tooLarge("event_too_large", "The event's data is " + bytes
                    + " bytes in UTF-8; the limit is " + options.getMaxDataBytes() + " bytes.");
        }
    }

    /** EVAL/EVALSHA with the arguments in the order publish.lua documents. */
    private Request script(Command command, String scriptOrSha, PublishRequest request, String[] history) {
        String prefix = options.getPrefix();
        return Request.cmd(command)
                .arg(scriptOrSha)
                .arg(1)
                .arg(WireFormat.historyKey(prefix, request.topic()))
                .arg(WireFormat.channel(prefix, request.topic()))
                .arg(request.event() == null ? "" : request.event())
                .arg(request.data())
                .arg(request.retryMs() == null ? "" : request.retryMs().toString())
                .arg(request.close() ? "1" : "0")
                .arg(history[0])
                .arg(history[1])
                .arg(options.publishCommand());
    }

    private static boolean isNoScript(Throwable error) {
        // Redis error replies fail the Future with a Throwable whose message is the reply itself.
        String message = error.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }
}
