package dev.ssegateway.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@code redis-server} process on a free loopback port, for tests.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     Redis client = Redis.createClient(vertx, redis.url());
 *     ...
 *     redis.kill();     // crash it
 *     redis.restart();  // back on the same port, empty
 * }
 * }</pre>
 *
 * <p>By default it persists nothing ({@code --save '' --appendonly no}); extra arguments come last
 * and override the defaults, e.g. {@code start("--cluster-enabled", "yes")}. Don't pass
 * {@code --port}, {@code --bind} or {@code --dir}. Each server runs in its own working directory
 * under {@code target/redis/}, where its log {@code redis.log} stays for debugging; a restarted
 * server keeps its directory (and so its {@code nodes.conf} in cluster mode).
 *
 * <p>The binary: see {@link RedisBinary} (bundled Redis 7.0.15, or {@code REDIS_SERVER}, or the
 * PATH). Processes are managed through their own {@link Process} handle only, and killed when the
 * JVM exits if a test forgot to.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final Path ROOT = Path.of("target", "redis").toAbsolutePath();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "redis-server-reaper"));
    }

    private final int port;
    private final Path directory;
    private final List<String> command;
    private Process process;

    private RedisServer(int port, String... extraArgs) {
        this.port = port;
        this.directory = ROOT.resolve(port + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        this.command = new ArrayList<>(List.of(RedisBinary.path().toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", directory.toString(),
                "--save", "",
                "--appendonly", "no"));
        this.command.addAll(List.of(extraArgs));
    }

    /** Starts a server with the default arguments and waits until it answers PING. */
    public static RedisServer start() {
        return start(new String[0]);
    }

    /** Starts a server with extra {@code redis-server} arguments and waits until it answers PING. */
    public static RedisServer start(String... extraArgs) {
        IllegalStateException failure = null;
        // A free port can be taken by someone else before Redis binds it: try a few.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            RedisServer server = new RedisServer(freePort(), extraArgs);
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                server.kill();
                failure = e;
            }
        }
        throw failure;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Where stdout and stderr of every run of this server are appended. */
    public Path logFile() {
        return directory.resolve("redis.log");
    }

    /** Whether the process is alive (it may still be starting). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Whether something on the port answers PING with PONG right now. */
    public boolean answersPing() {
        return ping(port);
    }

    /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). Safe to call twice. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit();
    }

    /** SIGKILL, as in a crash, and waits for the process to be gone. Safe to call twice. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /** Stops the server if it runs, starts it again on the same port and waits until it answers PING. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RedisServer{" + url() + ", running=" + isRunning() + ", log=" + logFile() + '}';
    }

    private synchronized void launch() {
        try {
            Files.createDirectories(directory);
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        LIVE.add(process);
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with status "
                        + process.exitValue() + "; log " + logFile() + ":\n" + logTail());
            }
            if (ping(port)) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log " + logFile() + ":\n" + logTail());
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LIVE.remove(process);
    }

    /** Sends PING in RESP over a plain socket: no client library needed, and short timeouts. */
    private static boolean ping(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] expected = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte b : expected) {
                if (in.read() != b) {
                    return false; // e.g. "-LOADING ..." while a dataset loads
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        return dev.ssegateway.testkit.Ports.free();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }
}
