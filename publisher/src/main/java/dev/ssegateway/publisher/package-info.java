/**
 * Publishing events to sse-gateway through Redis.
 *
 * <ul>
 *   <li>{@link dev.ssegateway.publisher.Publisher}: blocking, for any backend service.</li>
 *   <li>{@link dev.ssegateway.publisher.RedisPublisher}: asynchronous, on a Vert.x Redis client.</li>
 *   <li>{@link dev.ssegateway.publisher.PublishRequestParser}, {@link dev.ssegateway.publisher.TopicNames},
 *       {@link dev.ssegateway.publisher.EventFields}: the input rules, shared with the gateway's HTTP API.</li>
 *   <li>{@link dev.ssegateway.publisher.WireFormat}, {@link dev.ssegateway.publisher.WireMessage},
 *       {@link dev.ssegateway.publisher.PublishScript}: the Redis names, payload and Lua script, the
 *       contract for publishers written in other languages.</li>
 * </ul>
 */
package dev.ssegateway.publisher;
