package dev.ssegateway.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds a redis-server 7 executable, in this order:
 * <ol>
 *   <li>the path in the system property or environment variable {@code REDIS_SERVER};</li>
 *   <li>the binary bundled in {@code org.signal:embedded-redis} (Redis 7.0.15, statically linked),
 *       extracted once per JVM to a temporary file;</li>
 *   <li>{@code redis-server} on the PATH.</li>
 * </ol>
 * The bundled one comes before the PATH so that tests run the same Redis everywhere.
 */
final class RedisBinary {

    static final String OVERRIDE = "REDIS_SERVER";

    /** The Redis version inside org.signal:embedded-redis 0.9.1; its resources are named after it. */
    private static final String BUNDLED_VERSION = "7.0.15";

    private static Path cached;

    private RedisBinary() {
    }

    static synchronized Path path() {
        if (cached == null) {
            cached = find();
        }
        return cached;
    }

    private static Path find() {
        String override = System.getProperty(OVERRIDE, System.getenv(OVERRIDE));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String resource = "/redis-server-" + BUNDLED_VERSION + "-" + platform();
        try (InputStream in = RedisBinary.class.getResourceAsStream(resource)) {
            if (in != null) {
                Path file = Files.createTempFile("redis-server-" + BUNDLED_VERSION + "-", "");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                if (!file.toFile().setExecutable(true)) {
                    throw new IOException("cannot make " + file + " executable");
                }
                return file;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + resource, e);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No redis-server: not bundled for " + platform()
                + " (org.signal:embedded-redis on the test classpath?), none on the PATH, and "
                + OVERRIDE + " not set");
    }

    /** The suffix embedded-redis uses: linux-amd64, linux-arm64, darwin-amd64, darwin-arm64. */
    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.contains("mac") ? "darwin" : os.contains("linux") ? "linux" : os;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return osName + "-" + archName;
    }
}
