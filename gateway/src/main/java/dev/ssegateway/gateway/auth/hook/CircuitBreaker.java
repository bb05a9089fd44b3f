package dev.ssegateway.gateway.auth.hook;

import java.util.function.LongSupplier;

/**
 * Guards the auth backend: after {@code failuresToOpen} consecutive failed calls (timeout, no
 * connection, 5xx) it opens and refuses at once for {@code openMs}, so that a backend that is
 * down costs subscribers a fast 503 instead of a timeout each, and the backend is not hammered
 * while it recovers. Then it is half-open: one trial call goes through (the others are still
 * refused); its success closes the breaker, its failure opens it again for another window.
 *
 * <p>Thread-safe (event loops share it); every method is a few field reads under one lock.
 */
public final class CircuitBreaker {
  public enum State {
    CLOSED(0), OPEN(1), HALF_OPEN(2);

    private final int gauge;

    State(int gauge) {
      this.gauge = gauge;
    }

    /** The value of the breaker-state gauge: 0 closed, 1 open, 2 half-open. */
    public int gauge() {
      return gauge;
    }
  }

  /** What {@link #tryAcquire} decided: call the backend (perhaps as the trial), or refuse. */
  public enum Permit { CALL, TRIAL, REFUSED }

  /** A change of state the caller logs. */
  public enum Transition { NONE, OPENED, REOPENED, CLOSED }

  private final int failuresToOpen;
  private final long openMs;
  private final LongSupplier clock;
  private int consecutiveFailures;
  private long openedAt;
  private State state = State.CLOSED;
  private boolean trialInFlight;

  public CircuitBreaker(int failuresToOpen, long openMs, LongSupplier clock) {
    this.failuresToOpen = failuresToOpen;
    this.openMs = openMs;
    this.clock = clock;
  }

  public synchronized Permit tryAcquire() {
    if (state == State.OPEN && clock.getAsLong() - openedAt >= openMs) {
      state = State.HALF_OPEN;
      trialInFlight = false;
    }
    switch (state) {
      case CLOSED:
        return Permit.CALL;
      case HALF_OPEN:
        if (trialInFlight) {
          return Permit.REFUSED;
        }
        trialInFlight = true;
        return Permit.TRIAL;
      default:
        return Permit.REFUSED;
    }
  }

  /** The backend answered (allow, deny, or even a malformed answer: it is up). */
  public synchronized Transition onSuccess() {
    consecutiveFailures = 0;
    trialInFlight = false;
    if (state != State.CLOSED) {
      state = State.CLOSED;
      return Transition.CLOSED;
    }
    return Transition.NONE;
  }

  /** The call failed: timeout, connection refused or reset, or a 5xx. */
  public synchronized Transition onFailure() {
    consecutiveFailures++;
    trialInFlight = false;
    if (state == State.HALF_OPEN) {
      state = State.OPEN;
      openedAt = clock.getAsLong();
      return Transition.REOPENED;
    }
    if (state == State.CLOSED && consecutiveFailures >= failuresToOpen) {
      state = State.OPEN;
      openedAt = clock.getAsLong();
      return Transition.OPENED;
    }
    return Transition.NONE;
  }

  public synchronized State state() {
    if (state == State.OPEN && clock.getAsLong() - openedAt >= openMs) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** Whole seconds until the breaker lets a trial through (at least 1): the Retry-After of a 503. */
  public synchronized long retryAfterSeconds() {
    long left = state == State.OPEN ? openMs - (clock.getAsLong() - openedAt) : 0;
    return Math.max(1, (left + 999) / 1000);
  }
}
