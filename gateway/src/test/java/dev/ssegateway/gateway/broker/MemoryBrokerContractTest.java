package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.broker.memory.MemoryBroker;
import org.junit.jupiter.api.DisplayName;

@DisplayName("MemoryBroker keeps the Broker contract")
class MemoryBrokerContractTest extends BrokerContractTest {

  @Override
  protected Broker create(int historySize, long maxAgeMs) {
    return new MemoryBroker(historySize, maxAgeMs);
  }
}
