package dev.ssegateway.publisher;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

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
