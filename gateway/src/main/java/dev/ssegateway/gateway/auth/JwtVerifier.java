package dev.ssegateway.gateway.auth;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JWTs with vertx-auth-jwt: HS256 with {@code SSE_JWT_SECRET}, RS256/ES256 with a PEM
 * public key file, and keys from a JWKS URL fetched at start and refreshed periodically (a failed
 * refresh, or one that brings no keys, keeps the keys it had). {@code exp} and {@code nbf} are
 * always checked; {@code iss} and {@code aud} when configured.
 *
 * <p>Before vertx-auth-jwt sees a token, its header must name an algorithm this gateway was given a
 * key for ({@link #allowedAlgorithms}): never {@code none}, which vertx-auth-jwt accepts whenever it
 * holds no key at all. ECDSA signatures must have the JWS length (raw {@code R||S}).
 */
public final class JwtVerifier implements TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);

  /** Algorithms a JWKS may sign with: asymmetric only, so a public JWK can never act as an HMAC key. */
  private static final Set<String> JWKS_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512");
  private static final long JWKS_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Set<String> allowed;
  private volatile JWTAuth auth;
  private io.vertx.core.http.HttpClient jwksClient;

  private JwtVerifier(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.allowed = allowedAlgorithms(config);
  }

  /** The {@code alg} values a token may carry: those of the configured keys. */
  static Set<String> allowedAlgorithms(GatewayConfig config) {
    Set<String> algs = new HashSet<>();
    if (config.isSet(Setting.JWT_SECRET)) {
      algs.add("HS256");
    }
    if (config.isSet(Setting.JWT_PUBLIC_KEY_FILE)) {
      algs.add(config.string(Setting.JWT_ALGORITHM));
    }
    if (config.isSet(Setting.JWT_JWKS_URL)) {
      algs.addAll(JWKS_ALGORITHMS);
    }
    return Set.copyOf(algs);
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
    return jwksClient.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
            .setConnectTimeout(JWKS_TIMEOUT_MS).setIdleTimeout(JWKS_TIMEOUT_MS))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200
            ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode())))
        .map(body -> {
          List<JsonObject> keys = new ArrayList<>();
          JsonArray array = new JsonObject(body).getJsonArray("keys");
          if (array == null || array.isEmpty()) {
            // With no key vertx-auth-jwt would accept unsigned tokens; keep the keys we have.
            throw new IllegalStateException("the JWKS has no keys");
          }
          array.forEach(k -> keys.add((JsonObject) k));
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
    String problem = headerProblem(token);
    if (problem != null) {
      return Future.failedFuture(new IllegalArgumentException("The token is not valid: " + problem));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      // vertx-auth-jwt throws (ClassCastException, NullPointerException) rather than failing
      // when a signed token's exp, nbf or iat is not a number: client input, so a 401, never a 500.
      authenticated = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      authenticated = Future.failedFuture(e);
    }
    return authenticated
        .map(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          String claimProblem = Claims.timeClaimProblem(claims);
          if (claimProblem != null) {
            throw new IllegalArgumentException(claimProblem);
          }
          return Claims.toPrincipal(claims);
        })
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "The token is not valid: " + (e instanceof IllegalArgumentException
                ? String.valueOf(e.getMessage())
                : "malformed claims (" + e.getClass().getSimpleName() + ")"))));
  }

  /** What is wrong with the token's algorithm or signature shape, or null. Never echoes the token. */
  private String headerProblem(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return "a JWT has three dot-separated parts";
    }
    String alg;
    byte[] signature;
    try {
      alg = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).getString("alg");
      signature = Base64.getUrlDecoder().decode(parts[2]);
    } catch (RuntimeException e) {
      return "its header or signature is not base64url JSON";
    }
    if (alg == null || !allowed.contains(alg)) {
      return "its algorithm is not one this gateway accepts " + new TreeSet<>(allowed);
    }
    int ecdsaLength = switch (alg) {
      case "ES256" -> 64;
      case "ES384" -> 96;
      case "ES512" -> 132;
      default -> -1;
    };
    if (ecdsaLength > 0 && signature.length != ecdsaLength) {
      return alg + " signatures are " + ecdsaLength + " bytes (R||S), not " + signature.length;
    }
    return null;
  }
}
