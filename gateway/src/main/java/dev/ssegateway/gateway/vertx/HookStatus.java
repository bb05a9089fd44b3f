package dev.ssegateway.gateway.vertx;

/** A hook's state in this JVM: UNCHECKED until first used, then ACTIVE, or INACTIVE with the reason. */
public record HookStatus(State state, String detail) {
  public enum State { UNCHECKED, ACTIVE, INACTIVE }

  @Override
  public String toString() {
    return detail == null ? state.name() : state + " (" + detail + ")";
  }
}
