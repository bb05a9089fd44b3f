package dev.ssegateway.gateway.http;

import io.netty.handler.codec.DecoderException;

/**
 * A request whose framing RFC 9112 forbids a server to guess at: answered with {@link #status}
 * and the connection closed, because the next byte's meaning (body or next request) is unknown.
 * Each is the material of request smuggling behind a proxy that frames the message differently.
 */
final class FramingViolation extends DecoderException {
  private final int status;
  private final String code;

  FramingViolation(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // a client's mistake: the stack says nothing
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
