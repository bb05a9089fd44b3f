package dev.ssegateway.gateway.auth;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JWTs with vertx-auth-jwt: HS256 with {@code SSE_JWT_SECRET}, RS256/ES256 with a PEM
 * public key file, and keys from a JWKS URL fetched at start and refreshed periodically (a failed
 * refresh keeps the keys it had). {@code exp} and {@code nbf} are always checked; {@code iss} and
 * {@code aud} when configured.
 */
public final class JwtVerifier implements TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private volatile JWTAuth auth;
  private io.vertx.core.http.HttpClient jwksClient;

  private JwtVerifier(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Builds the verifier; with a JWKS URL, completes after the first fetch. */
  public static Future<JwtVerifier> start(Vertx vertx, GatewayConfig config) {
    JwtVerifier v = new JwtVerifier(vertx, config);
    try {
      v.auth = JWTAuth.create(vertx, v.options(List.of()));
    } catch (Exception e) {
      return Future.failedFuture(new IllegalArgumentException("Invalid JWT key settings: " + e.getMessage()));
    }
    if (!config.isSet(Setting.JWT_JWKS_URL)) {
      return Future.succeededFuture(v);
    }
    vertx.setPeriodic(config.longValue(Setting.JWT_JWKS_REFRESH_MS), t -> v.refreshJwks());
    return v.refreshJwks().map(v);
  }

  private JWTAuthOptions options(List<JsonObject> jwks) throws Exception {
    JWTOptions jwt = new JWTOptions().setLeeway(5);
    if (config.isSet(Setting.JWT_ISSUER)) {
      jwt.setIssuer(config.string(Setting.JWT_ISSUER));
    }
    if (config.isSet(Setting.JWT_AUDIENCE)) {
      jwt.setAudience(List.of(config.string(Setting.JWT_AUDIENCE)));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwt);
    List<PubSecKeyOptions> keys = new ArrayList<>();
    if (config.isSet(Setting.JWT_SECRET)) {
      keys.add(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.string(Setting.JWT_SECRET)));
    }
    if (config.isSet(Setting.JWT_PUBLIC_KEY_FILE)) {
      String pem = Files.readString(Path.of(config.string(Setting.JWT_PUBLIC_KEY_FILE)));
      keys.add(new PubSecKeyOptions().setAlgorithm(config.string(Setting.JWT_ALGORITHM)).setBuffer(pem));
    }
    options.setPubSecKeys(keys);
    if (!jwks.isEmpty()) {
      options.setJwks(jwks);
    }
    return options;
  }

  private Future<Void> refreshJwks() {
    String url = config.string(Setting.JWT_JWKS_URL);
    if (jwksClient == null) {
      jwksClient = vertx.createHttpClient();
    }
    return jwksClient.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200
            ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode())))
        .map(body -> {
          List<JsonObject> keys = new ArrayList<>();
          new JsonObject(body).getJsonArray("keys").forEach(k -> keys.add((JsonObject) k));
          try {
            auth = JWTAuth.create(vertx, options(keys));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          log.info("Loaded {} signing keys from the JWKS", keys.size());
          return (Void) null;
        })
        .onFailure(e -> log.warn("Fetching the JWKS failed (keeping the keys loaded before): {}", e.getMessage()));
  }

  @Override
  public Future<Principal> verify(String token) {
    return auth.authenticate(new TokenCredentials(token))
        .map(user -> Claims.toPrincipal(user.attributes().getJsonObject("accessToken", user.principal())))
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "The token is not valid: " + String.valueOf(e.getMessage()))));
  }
}
