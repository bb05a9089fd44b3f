package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessPolicy;
import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.cluster.ClusterState;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.hub.Hub;
import dev.ssegateway.gateway.hub.NodePresence;
import dev.ssegateway.gateway.limits.Admission;
import dev.ssegateway.gateway.limits.ClientAddress;
import dev.ssegateway.gateway.limits.PublishRateLimiter;
import dev.ssegateway.gateway.metrics.GatewayMetrics;

/** What the HTTP verticles of one node share. */
public record NodeServices(GatewayConfig config, Hub hub, Broker broker, ClusterState cluster,
    GatewayMetrics metrics, Readiness readiness, AccessPolicy access, PublishRateLimiter publishRate,
    Admission admission, ClientAddress clientAddress, NodePresence presence) {}
