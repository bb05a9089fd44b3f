package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.config.Setting;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * No container engine runs here, so the image cannot be built in CI: these tests check what can be
 * checked without one, against the build files and a real JVM.
 */
@DisplayName("Dockerfile")
class DockerfileTest {
  private final Dockerfile df = Dockerfile.load();

  private static Document pom(String path) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    return f.newDocumentBuilder().parse(Chart.repoRoot().resolve(path).toFile());
  }

  private static String text(Document doc, String tag) {
    NodeList nodes = doc.getElementsByTagName(tag);
    assertThat(nodes.getLength()).as("<%s> in pom", tag).isPositive();
    return nodes.item(0).getTextContent().strip();
  }

  @Test
  @DisplayName("copies the jar the gateway module builds (its finalName) and runs that jar")
  void copiesTheJarTheBuildMakes() throws Exception {
    String jar = text(pom("gateway/pom.xml"), "finalName") + ".jar";
    Dockerfile.Instruction copy = df.all("COPY").stream()
        .filter(i -> i.args().startsWith("--from=build")).findFirst().orElseThrow();
    assertThat(copy.stage()).isEqualTo(df.lastStage());
    assertThat(copy.args()).contains("/src/gateway/target/" + jar);
    List<String> entry = Dockerfile.execForm(df.runtime("ENTRYPOINT").args());
    String target = copy.args().split("\\s+")[copy.args().split("\\s+").length - 1];
    assertThat(entry.subList(entry.size() - 2, entry.size())).containsExactly("-jar", target);
  }

  @Test
  @DisplayName("builds the gateway with its dependencies, seeing every module the root pom lists")
  void buildStageSeesTheWholeReactor() throws Exception {
    List<Dockerfile.Instruction> build = df.instructions.stream().filter(i -> i.stage() == 0).toList();
    assertThat(df.withArgDefaults(build.get(0).args())).as("default build base (BUILD_BASE)")
        .matches("(?i)eclipse-temurin:(2[1-9]|[3-9][0-9])-jdk\\S* AS build");
    assertThat(build.stream().filter(i -> i.keyword().equals("RUN")).map(Dockerfile.Instruction::args))
        .anySatisfy(r -> assertThat(r).contains("./mvnw").contains("-pl gateway -am package").contains("-DskipTests"));
    NodeList modules = pom("pom.xml").getElementsByTagName("module");
    String copies = String.join("\n", build.stream().filter(i -> i.keyword().equals("COPY")).map(Dockerfile.Instruction::args).toList());
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().strip();
      assertThat(copies).as("build stage copies %s/pom.xml", module).contains(module + "/pom.xml");
    }
    assertThat(copies).contains("gateway/src/").contains("publisher/src/").contains("mvnw").contains(".mvn/");
  }

  @Test
  @DisplayName("the build context file lets through everything the build stage copies")
  void dockerignoreKeepsWhatIsCopied() throws Exception {
    List<String> ignore = Files.readAllLines(Chart.repoRoot().resolve("deploy/docker/Dockerfile.dockerignore"));
    List<String> kept = ignore.stream().map(String::strip).filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
    for (Dockerfile.Instruction copy : df.all("COPY")) {
      if (copy.args().startsWith("--from")) {
        continue;
      }
      String[] parts = copy.args().split("\\s+");
      for (int i = 0; i < parts.length - 1; i++) {
        String src = parts[i];
        assertThat(kept).as("%s is re-included after '**'", src).contains(src);
      }
    }
  }

  @Test
  @DisplayName("runs as a fixed non-root numeric user, the one the chart's pod security context names")
  void runsAsNonRoot() {
    String user = df.runtime("USER").args();
    assertThat(user).matches("\\d+(:\\d+)?");
    int uid = Integer.parseInt(user.split(":")[0]);
    assertThat(uid).isPositive();
    assertThat(Y.integer(Chart.values(null), "podSecurityContext.runAsUser")).isEqualTo(uid);
    assertThat(Y.get(Chart.values(null), "podSecurityContext.runAsNonRoot")).isEqualTo(true);
  }

  @Test
  @DisplayName("exposes the gateway's default HTTP and Hazelcast ports and health-checks /health/live")
  void portsAndHealthcheck() {
    List<String> exposed = Arrays.asList(df.runtime("EXPOSE").args().split("\\s+"));
    assertThat(exposed).contains(Setting.HTTP_PORT.defaultValue(), Setting.CLUSTER_PORT.defaultValue());
    String hc = df.runtime("HEALTHCHECK").args();
    assertThat(hc).contains("/health/live").contains("${SSE_HTTP_PORT:-" + Setting.HTTP_PORT.defaultValue() + "}");
    String env = df.runtime("ENV").args();
    assertThat(env).contains("SSE_HTTP_PORT=" + Setting.HTTP_PORT.defaultValue())
        .contains("SSE_CLUSTER_PORT=" + Setting.CLUSTER_PORT.defaultValue());
    Matcher m = Pattern.compile("(SSE_[A-Z0-9_]+)=").matcher(env);
    while (m.find()) {
      assertThat(GatewaySettings.exists(m.group(1))).as("%s is a gateway setting", m.group(1)).isTrue();
    }
  }

  @Test
  @DisplayName("the runtime stage is a JRE 21+ and sizes the heap from the container's memory")
  void containerAwareJvm() {
    assertThat(df.withArgDefaults(df.runtime("FROM").args()))
        .as("default runtime base (RUNTIME_BASE)").matches("eclipse-temurin:(2[1-9]|[3-9][0-9])-jre\\S*");
    assertThat(df.runtime("ENV").args()).contains("-XX:MaxRAMPercentage=");
    List<String> entry = Dockerfile.execForm(df.runtime("ENTRYPOINT").args());
    assertThat(entry.get(0)).as("exec form: java is PID 1 and gets SIGTERM itself").isEqualTo("java");
    assertThat(entry).contains("-XX:+ExitOnOutOfMemoryError").noneMatch(a -> a.startsWith("-Xmx"));
  }

  @Test
  @DisplayName("passes every JVM flag the root pom says Hazelcast needs")
  void hazelcastFlags() throws Exception {
    String[] flags = text(pom("pom.xml"), "hazelcast.jvm.flags").split("\\s+");
    List<String> entry = Dockerfile.execForm(df.runtime("ENTRYPOINT").args());
    for (int i = 0; i < flags.length; i++) {
      if (flags[i].startsWith("--") && i + 1 < flags.length && !flags[i + 1].startsWith("-")) {
        String flag = flags[i];
        String value = flags[++i];
        boolean found = false;
        for (int j = 0; j + 1 < entry.size(); j++) {
          found |= entry.get(j).equals(flag) && entry.get(j + 1).equals(value);
        }
        found |= entry.contains(flag + "=" + value);
        assertThat(found).as("ENTRYPOINT has %s %s", flag, value).isTrue();
      } else {
        assertThat(entry).contains(flags[i]);
      }
    }
  }

  @Test
  @DisplayName("a real JVM accepts the image's JVM flags")
  void jvmAcceptsTheFlags() throws Exception {
    List<String> entry = Dockerfile.execForm(df.runtime("ENTRYPOINT").args());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(entry.subList(1, entry.indexOf("-jar")));
    Matcher opts = Pattern.compile("JDK_JAVA_OPTIONS=\"([^\"]*)\"").matcher(df.runtime("ENV").args());
    assertThat(opts.find()).isTrue();
    cmd.addAll(1, Arrays.asList(opts.group(1).split("\\s+")));
    cmd.add("-version");
    File out = Files.createTempFile("java-flags", ".txt").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("java %s\n%s", cmd, output).isZero();
    assertThat(output).doesNotContainIgnoringCase("unrecognized").doesNotContainIgnoringCase("warning");
  }
}
