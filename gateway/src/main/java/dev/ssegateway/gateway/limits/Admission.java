package dev.ssegateway.gateway.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places for event streams on this node, taken the moment a request arrives, before any async
 * step (token check, cursor read, Hazelcast), and given back exactly once however the request
 * ends. Checking a count that is only raised after those steps let a burst of 300 through a limit
 * of 100 (all 300 got a stream). One node-wide count and one count per client address, shared by
 * every event loop.
 */
public final class Admission {
  /** Why a place was refused. */
  public enum Refusal { NODE_FULL, ADDRESS_FULL }

  /** The answer to a request for a place: held (release it once done) or refused. */
  public final class Ticket {
    private final String address;
    private final Refusal refusal;
    private final AtomicBoolean released = new AtomicBoolean();

    private Ticket(String address, Refusal refusal) {
      this.address = address;
      this.refusal = refusal;
    }

    /** Why no place was given, or null when this ticket holds one. */
    public Refusal refusal() {
      return refusal;
    }

    /** Gives the place back; safe to call more than once, and on a refused ticket. */
    public void release() {
      if (refusal == null && released.compareAndSet(false, true)) {
        total.decrementAndGet();
        if (address != null) {
          perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
      }
    }
  }

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  /** @param maxPerAddress 0: no per-address limit */
  public Admission(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** Takes a place for a stream from {@code address}, or says why not. */
  public Ticket tryAdmit(String address) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return new Ticket(null, Refusal.NODE_FULL);
    }
    if (maxPerAddress <= 0) {
      return new Ticket(null, null);
    }
    boolean[] ok = {false};
    perAddress.compute(address, (a, n) -> {
      int held = n == null ? 0 : n;
      if (held >= maxPerAddress) {
        return n;
      }
      ok[0] = true;
      return held + 1;
    });
    if (!ok[0]) {
      total.decrementAndGet();
      return new Ticket(null, Refusal.ADDRESS_FULL);
    }
    return new Ticket(address, null);
  }

  /** Places held now (streams open plus requests still being checked). */
  public int held() {
    return total.get();
  }

  /** Addresses holding at least one place (what the per-address map costs). */
  public int addresses() {
    return perAddress.size();
  }

  public int maxPerAddress() {
    return maxPerAddress;
  }
}
