package dev.ssegateway.gateway.auth;

/** A refused request: the HTTP status, a machine-readable code and a sentence for the client. */
public final class AccessDenied extends RuntimeException {
  private final int status;
  private final String code;

  public AccessDenied(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
