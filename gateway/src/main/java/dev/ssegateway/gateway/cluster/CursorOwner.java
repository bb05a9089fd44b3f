package dev.ssegateway.gateway.cluster;

/**
 * Whose server-side cursor ({@code streamId}) a stream reads and writes. A cursor is stored under
 * its owner and its streamId together, so a streamId alone (which travels in URLs, logs and
 * referrers) never reaches another owner's cursor:
 *
 * <ul>
 *   <li>a verified token's {@code sub}: the user's cursors, on any device and address;
 *   <li>no token (or a token ignored on public topics): the client's address, as resolved through
 *       {@code SSE_TRUSTED_PROXIES}. Anonymous clients can only read public topics, so such a
 *       cursor only ever holds public positions, and only clients sharing that address (a NAT)
 *       who also know the streamId can touch it.
 * </ul>
 *
 * <p>The two namespaces never meet: {@code user:} and {@code addr:} prefixes, and a streamId
 * cannot contain {@code /}, so {@code owner/streamId} is unambiguous.
 */
public final class CursorOwner {
  private CursorOwner() {}

  public static String of(String user, String clientAddress) {
    return user != null ? "user:" + user : "addr:" + clientAddress;
  }

  /** The key one cursor is stored under. */
  public static String key(String owner, String streamId) {
    return owner + "/" + streamId;
  }
}
