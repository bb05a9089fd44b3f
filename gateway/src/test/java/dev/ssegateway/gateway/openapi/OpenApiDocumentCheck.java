package dev.ssegateway.gateway.openapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks real HTTP responses against the gateway's OpenAPI document, with Vert.x's own OpenAPI
 * tooling: vertx-openapi validates the document against the official OAS 3.1 schema (shipped in
 * its jar) and resolves its references; vertx-json-schema validates JSON bodies against the
 * resolved response schemas (JSON Schema 2020-12, OpenAPI 3.1's dialect).
 *
 * <p>vertx-openapi's own ResponseValidator is not used: it refuses documents with media types it
 * cannot parse, and an SSE gateway's main response is {@code text/event-stream}.
 */
final class OpenApiDocumentCheck {
  private final JsonObject raw;
  private final JsonObject resolved;
  private final List<String> validated = new ArrayList<>();

  private OpenApiDocumentCheck(JsonObject raw, JsonObject resolved) {
    this.raw = raw;
    this.resolved = resolved;
  }

  /** Parses the YAML, validates it against the OAS 3.1 schema (failing with the errors), resolves it. */
  static OpenApiDocumentCheck load(Vertx vertx, String yaml) {
    Map<String, Object> map = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    JsonObject contract = new JsonObject(map);
    OpenAPIVersion version = OpenAPIVersion.fromContract(contract);
    SchemaRepository repository = await(version.getRepository(vertx, "app:///"));
    OutputUnit result = await(version.validateContract(vertx, repository, contract));
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError("openapi.yaml is not a valid OpenAPI " + contract.getString("openapi")
          + " document: " + result.toJson().encodePrettily());
    }
    return new OpenApiDocumentCheck(contract, await(version.resolve(vertx, repository, contract)));
  }

  JsonObject raw() {
    return raw;
  }

  /** Every {@code (METHOD path)} the document describes. */
  Set<String> operations() {
    Set<String> ops = new TreeSet<>();
    JsonObject paths = resolved.getJsonObject("paths");
    for (String path : paths.fieldNames().stream().filter(p -> p.startsWith("/")).toList()) {
      for (String method : methods(paths.getJsonObject(path))) {
        ops.add(method.toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    return ops;
  }

  /** The operationId of every operation. */
  Set<String> operationIds() {
    Set<String> ids = new TreeSet<>();
    JsonObject paths = resolved.getJsonObject("paths");
    for (String path : paths.fieldNames().stream().filter(p -> p.startsWith("/")).toList()) {
      for (String method : methods(paths.getJsonObject(path))) {
        ids.add(paths.getJsonObject(path).getJsonObject(method).getString("operationId"));
      }
    }
    return ids;
  }

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** The operations of a path item (it may hold other fields, such as parameters or a summary). */
  private static List<String> methods(JsonObject pathItem) {
    return pathItem.fieldNames().stream().filter(METHODS::contains).toList();
  }

  /** The (operationId, status) pairs checked so far, as {@code "history 200"}. */
  List<String> validated() {
    return List.copyOf(validated);
  }

  /**
   * Checks one response of {@code method path} (the path as in the document, without the query):
   * its status is described (or falls under {@code default}), its content type is one the
   * response lists (no content when it lists none), a JSON body matches the schema, and every
   * header the response describes that is present matches its schema.
   *
   * @throws AssertionError saying what does not match
   */
  void check(String method, String path, HttpResponse<String> response) {
    check(method, path, response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
        response.body(), response.headers().map());
  }

  void check(String method, String path, int status, String contentType, String body,
      Map<String, List<String>> headers) {
    String where = method + " " + path + " -> " + status;
    JsonObject pathItem = resolved.getJsonObject("paths").getJsonObject(path);
    if (pathItem == null || pathItem.getJsonObject(method.toLowerCase(Locale.ROOT)) == null) {
      throw new AssertionError(where + ": the document does not describe " + method + " " + path);
    }
    JsonObject operation = pathItem.getJsonObject(method.toLowerCase(Locale.ROOT));
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject described = responses.getJsonObject(Integer.toString(status));
    if (described == null) {
      described = responses.getJsonObject("default");
    }
    if (described == null) {
      throw new AssertionError(where + ": status not described (" + responses.fieldNames() + ")");
    }
    JsonObject content = described.getJsonObject("content");
    if (content == null || content.isEmpty()) {
      if (body != null && !body.isEmpty()) {
        throw new AssertionError(where + ": the document describes no body, got " + body);
      }
    } else {
      if (contentType == null) {
        throw new AssertionError(where + ": no Content-Type; the document lists " + content.fieldNames());
      }
      String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
      JsonObject media = content.getJsonObject(mediaType);
      if (media == null) {
        throw new AssertionError(where + ": Content-Type " + contentType + " is not one of " + content.fieldNames());
      }
      if (mediaType.equals("application/json")) {
        Object instance;
        try {
          instance = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
          throw new AssertionError(where + ": the body is not JSON: " + body);
        }
        validate(where + " body", media.getJsonObject("schema"), instance);
      } else {
        validate(where + " body", media.getJsonObject("schema"), body);
      }
    }
    JsonObject describedHeaders = described.getJsonObject("headers", new JsonObject());
    for (String name : describedHeaders.fieldNames()) {
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        if (h.getKey().equalsIgnoreCase(name)) {
          JsonObject schema = describedHeaders.getJsonObject(name).getJsonObject("schema");
          validate(where + " header " + name, schema, h.getValue().get(0));
        }
      }
    }
    validated.add(operation.getString("operationId") + " " + status);
  }

  private static void validate(String what, JsonObject schema, Object instance) {
    if (schema == null) {
      return;
    }
    OutputUnit out = Validator.create(JsonSchema.of(schema),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app:///").setOutputFormat(OutputFormat.Basic))
        .validate(instance);
    if (!Boolean.TRUE.equals(out.getValid())) {
      throw new AssertionError(what + " does not match the document: " + out.toJson().encode()
          + "\ninstance: " + io.vertx.core.json.Json.encode(instance));
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
