package dev.ssegateway.gateway.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.auth.hook.CircuitBreaker.Permit;
import dev.ssegateway.gateway.auth.hook.CircuitBreaker.State;
import dev.ssegateway.gateway.auth.hook.CircuitBreaker.Transition;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The auth hook's circuit breaker")
class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final CircuitBreaker breaker = new CircuitBreaker(3, 10_000, now::get);

  @Test
  @DisplayName("opens after N consecutive failures only; a success in between resets the count")
  void opensAfterConsecutiveFailures() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    assertThat(breaker.onFailure()).isEqualTo(Transition.NONE);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.onFailure()).isEqualTo(Transition.OPENED);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.REFUSED);
    assertThat(breaker.retryAfterSeconds()).isEqualTo(10);
  }

  @Test
  @DisplayName("after the open window one trial goes through; the others wait; its outcome closes or reopens")
  void halfOpenLetsOneTrialThrough() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure();
    }
    now.addAndGet(9_500);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.REFUSED);
    assertThat(breaker.retryAfterSeconds()).isEqualTo(1);
    now.addAndGet(500);
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.TRIAL);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.REFUSED);
    assertThat(breaker.onFailure()).isEqualTo(Transition.REOPENED);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.REFUSED);

    now.addAndGet(10_000);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.TRIAL);
    assertThat(breaker.onSuccess()).isEqualTo(Transition.CLOSED);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.CALL);
    assertThat(breaker.tryAcquire()).isEqualTo(Permit.CALL);
    assertThat(breaker.state().gauge()).isZero();
  }
}
