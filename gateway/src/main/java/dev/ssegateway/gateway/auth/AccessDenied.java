package dev.ssegateway.gateway.auth;

/** A refused request: the HTTP status, a machine-readable code and a sentence for the client. */
public final class AccessDenied extends RuntimeException {
  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public AccessDenied(int status, String code, String message) {
    this(status, code, message, 0);
  }

  /** @param retryAfterSeconds sent as Retry-After when above 0 */
  public AccessDenied(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
