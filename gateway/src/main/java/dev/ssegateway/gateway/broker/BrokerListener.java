package dev.ssegateway.gateway.broker;

import dev.ssegateway.publisher.WireMessage;

/** How a broker hands what it receives back to the node (the hub). */
public interface BrokerListener {

  /** A live event for a subscribed topic, in publish order per topic. */
  void onMessage(String topic, WireMessage message);

  /**
   * The broker lost its subscription connection and has just subscribed every topic again.
   * Events published in between may have been missed live: the node repairs each topic's gap
   * from history.
   */
  void onResubscribed();
}
