package dev.ssegateway.gateway.testing.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny blocking Redis client over a plain socket, for test fixtures that administer servers
 * (CLUSTER MEET, SETSLOT, MIGRATE, CLIENT KILL, SENTINEL ...) without a client library that
 * would follow redirects or cache slots on its own. One connection per call: simple and slow.
 *
 * <p>Replies map to Java: simple and bulk strings to {@code String} (null for nil), integers to
 * {@code Long}, arrays and maps to {@code List<Object>}; an error reply throws {@link RedisError}.
 */
public final class Resp {
  private Resp() {}

  /** An error reply from Redis. */
  public static final class RedisError extends RuntimeException {
    public RedisError(String message) {
      super(message);
    }
  }

  public static Object call(int port, Object... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(encode(args));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("Redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The reply as text (a bulk or simple string). */
  public static String text(int port, Object... args) {
    return String.valueOf(call(port, args));
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(int port, Object... args) {
    Object r = call(port, args);
    return r == null ? List.of() : (List<Object>) r;
  }

  /** Whether something on the port answers PING with PONG. */
  public static boolean pings(int port) {
    try {
      return "PONG".equals(call(port, "PING"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] encode(Object... args) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    write(b, "*" + args.length + "\r\n");
    for (Object a : args) {
      byte[] bytes = String.valueOf(a).getBytes(StandardCharsets.UTF_8);
      write(b, "$" + bytes.length + "\r\n");
      b.writeBytes(bytes);
      write(b, "\r\n");
    }
    return b.toByteArray();
  }

  private static void write(ByteArrayOutputStream b, String s) {
    b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] data = in.readNBytes(len);
        line(in);
        return new String(data, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      case -1:
        throw new IOException("connection closed");
      default:
        throw new IOException("unexpected RESP type " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c == -1) {
        throw new IOException("connection closed");
      }
      b.write(c);
    }
    in.read(); // \n
    return b.toString(StandardCharsets.UTF_8);
  }
}
