package dev.ssegateway.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One recipe run as a child process: its output lines (stdout and stderr together) are collected
 * and echoed with the recipe's name, so a failing run shows what it printed. Closing it ends the
 * process and its descendants (Chromium under Node), each by its own handle.
 */
final class RecipeProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Thread reader;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private RecipeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.reader = new Thread(this::read, "recipe-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a recipe; its stdin is closed (recipes read no input). */
  static RecipeProcess start(String name, Path dir, Map<String, String> env, List<String> command) {
    RecipeProcess p = startInteractive(name, dir, env, command);
    p.closeInput();
    return p;
  }

  /** Starts a program that reads lines from its stdin: see {@link #send}. */
  static RecipeProcess startInteractive(String name, Path dir, Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    try {
      return new RecipeProcess(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  /** Waits for a line that matches and returns it. */
  String awaitLine(Predicate<String> matches, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (String l : lines) {
        if (matches.test(l)) {
          return l;
        }
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      sleep(20);
    }
    throw new AssertionError(name + ": no matching line within " + timeout + "; it printed " + lines);
  }

  /** Waits for the process to end by itself and returns everything it printed. */
  List<String> awaitExit(Duration timeout) {
    try {
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(ended).as("%s ends within %s; it printed %s", name, timeout, lines).isTrue();
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return List.copyOf(lines);
  }

  /** Writes one line to the process's stdin. */
  void send(String line) {
    try {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + " no longer reads its input", e);
    }
  }

  private void closeInput() {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // it may have exited already
    }
  }

  int exitCode() {
    return process.exitValue();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        System.out.println("[" + name + "] " + l);
        lines.add(l);
      }
    } catch (IOException ignored) {
      // the process was ended
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
