package dev.ssegateway.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** deploy/docker/Dockerfile, split into instructions (continuation lines joined, comments dropped). */
final class Dockerfile {
  record Instruction(int stage, String keyword, String args) {}

  final List<Instruction> instructions = new ArrayList<>();

  Dockerfile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder cur = new StringBuilder();
    int stage = -1;
    for (String raw : lines) {
      String line = raw.strip();
      if (cur.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (!cur.isEmpty() && line.startsWith("#")) {
        continue; // comment inside a continued instruction
      }
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      cur.append(line);
      String full = cur.toString().strip();
      cur.setLength(0);
      int sp = full.indexOf(' ');
      String keyword = full.substring(0, sp).toUpperCase(Locale.ROOT);
      if (keyword.equals("FROM")) {
        stage++;
      }
      instructions.add(new Instruction(stage, keyword, full.substring(sp + 1).strip()));
    }
  }

  static Dockerfile load() {
    return new Dockerfile(Chart.repoRoot().resolve("deploy/docker/Dockerfile"));
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  int lastStage() {
    return instructions.get(instructions.size() - 1).stage();
  }

  /**
   * {@code args} with {@code ${NAME}} replaced by the default of a global {@code ARG NAME=default}
   * (before the first FROM): what a build without --build-arg uses, e.g. the base image names.
   */
  String withArgDefaults(String args) {
    String out = args;
    for (Instruction arg : all("ARG")) {
      int eq = arg.args().indexOf('=');
      if (arg.stage() == -1 && eq > 0) {
        out = out.replace("${" + arg.args().substring(0, eq) + "}", arg.args().substring(eq + 1));
      }
    }
    return out;
  }

  /** The instruction of the final (runtime) stage, exactly one. */
  Instruction runtime(String keyword) {
    List<Instruction> found = all(keyword).stream().filter(i -> i.stage() == lastStage()).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + keyword + " in the runtime stage, found " + found);
    }
    return found.get(0);
  }

  /** An exec-form (JSON array) argument list. */
  static List<String> execForm(String args) {
    try {
      return Arrays.asList(new ObjectMapper().readValue(args, String[].class));
    } catch (IOException e) {
      throw new AssertionError("not an exec-form JSON array: " + args, e);
    }
  }
}
