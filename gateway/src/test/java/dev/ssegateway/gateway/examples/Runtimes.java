package dev.ssegateway.gateway.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What each recipe needs to run, checked before it runs: a recipe whose runtime is missing is
 * skipped with a message that says what to install ({@code .ci/run} installs all of them).
 * Nothing is installed here.
 */
final class Runtimes {
  /** The repository's examples/ folder; tests run in the gateway module's folder. */
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  static final Path BROWSER_HARNESS = Path.of("src", "test", "js").toAbsolutePath();
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  /** Where the Go recipes are built once per run. */
  static final Path GO_BIN = Path.of("target", "recipes-go").toAbsolutePath();

  private static Boolean goBuilt;

  private Runtimes() {}

  static void requireNode() {
    Assumptions.assumeTrue(onPath("node"), "Skipped: node (20+) is not on the PATH (apt-get install nodejs)");
  }

  static void requireNodePackage(String name) {
    requireNode();
    Assumptions.assumeTrue(Files.isDirectory(EXAMPLES.resolve("node_modules").resolve(name)),
        "Skipped: " + EXAMPLES + "/node_modules/" + name + " is missing (.ci/run runs npm ci in examples/)");
  }

  static void requirePython() {
    Assumptions.assumeTrue(onPath("python3"), "Skipped: python3 is not on the PATH (apt-get install python3)");
  }

  static void requireBrowser() {
    requireNode();
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
        "Skipped: " + CHROMIUM + " is missing (.ci/run installs Debian's chromium)");
    Assumptions.assumeTrue(Files.isDirectory(BROWSER_HARNESS.resolve("node_modules/playwright-core")),
        "Skipped: " + BROWSER_HARNESS + "/node_modules/playwright-core is missing (.ci/run runs npm ci there)");
  }

  /** Builds examples/go into {@link #GO_BIN} once; skips the caller if Go is missing. */
  static synchronized Path requireGo() throws Exception {
    Assumptions.assumeTrue(onPath("go"), "Skipped: go is not on the PATH (apt-get install golang-go)");
    if (goBuilt == null) {
      long start = System.nanoTime();
      ProcessBuilder build = new ProcessBuilder("go", "build", "-o", GO_BIN + "/", "./...")
          .directory(EXAMPLES.resolve("go").toFile()).redirectErrorStream(true);
      // Standard library only: never reach for the module proxy.
      build.environment().putAll(Map.of("GOPROXY", "off", "GOTOOLCHAIN", "local"));
      boolean noCache = System.getenv("GOCACHE") == null && System.getenv("HOME") == null
          && System.getenv("XDG_CACHE_HOME") == null;
      if (noCache) {
        build.environment().put("GOCACHE", GO_BIN.resolveSibling("go-cache").toString()); // go needs one
      }
      Process p = build.start();
      boolean ended = p.waitFor(180, TimeUnit.SECONDS);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ended) {
        p.destroyForcibly();
      }
      goBuilt = ended && p.exitValue() == 0;
      System.out.printf("go build of examples/go: %s in %d ms%s%n", goBuilt ? "ok" : "FAILED",
          (System.nanoTime() - start) / 1_000_000, out.isBlank() ? "" : "\n" + out);
      if (!goBuilt) {
        throw new AssertionError("go build of examples/go failed:\n" + out);
      }
    }
    Assumptions.assumeTrue(goBuilt, "Skipped: the Go recipes did not build (see the first Go test)");
    return GO_BIN;
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
