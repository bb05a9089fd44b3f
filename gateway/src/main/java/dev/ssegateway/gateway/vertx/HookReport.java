package dev.ssegateway.gateway.vertx;

import dev.ssegateway.gateway.vertx.HookStatus.State;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link VertxInternals}' hooks did in this JVM. Sticky: once a hook fell back it stays
 * INACTIVE (logged once as a warning), however often it works elsewhere.
 */
final class HookReport {
  private static final Logger log = LoggerFactory.getLogger(VertxInternals.class);
  private static final Map<Hook, HookStatus> STATUS = new ConcurrentHashMap<>();

  static {
    for (Hook h : Hook.values()) {
      STATUS.put(h, new HookStatus(State.UNCHECKED, "not used yet"));
    }
  }

  private HookReport() {}

  static Map<Hook, HookStatus> snapshot() {
    return new EnumMap<>(STATUS);
  }

  static String describe() {
    return snapshot().entrySet().stream().map(e -> e.getKey().id() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  static boolean isInactive(Hook hook) {
    return STATUS.get(hook).state() == State.INACTIVE;
  }

  /** Records that {@code hook} worked, unless it already failed once. */
  static void active(Hook hook) {
    if (STATUS.get(hook).state() != State.UNCHECKED) {
      return; // the common case, on every connection: decided already
    }
    synchronized (STATUS) {
      if (STATUS.get(hook).state() == State.UNCHECKED) {
        STATUS.put(hook, new HookStatus(State.ACTIVE, null));
      }
    }
  }

  /** Records that {@code hook} fell back; logs it once. */
  static void inactive(Hook hook, String reason) {
    synchronized (STATUS) {
      if (STATUS.get(hook).state() == State.INACTIVE) {
        return;
      }
      STATUS.put(hook, new HookStatus(State.INACTIVE, reason));
    }
    log.warn("Vert.x internal hook {} is inactive ({}): {}", hook.id(), reason, hook.what());
  }
}
