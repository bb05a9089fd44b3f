package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Renders the chart with deploy/container/kube-play-values.yaml into deploy/target/kube-play/
 * (chart.yaml as rendered; play.yaml, secrets/ and check.env as {@link KubePlay} adapts them), the
 * manifests deploy/container/check-kube-play.sh runs with `podman kube play`. There is no helm
 * binary on the project's machines: the bundled Helm renders.
 */
@DisplayName("kube-play manifests")
class KubePlayManifestTest {

  @Test
  @DisplayName("the chart renders for kube play: two gateway replicas of the local image, Redis in a Secret")
  void rendersTheManifestsKubePlayRuns() throws Exception {
    Path values = Chart.repoRoot().resolve("deploy/container/kube-play-values.yaml");
    String text = Chart.renderText(values);
    Chart.Manifests m = new Chart.Manifests(text);

    assertThat(Y.get(m.gateway(), "spec.replicas")).isEqualTo(2);
    assertThat(Y.str(m.gatewayContainer(), "image")).isEqualTo("localhost/sse-gateway:dev");
    assertThat(m.gatewayEnv()).containsKeys("SSE_REDIS_URL", "SSE_PUBLISH_KEY", "SSE_CLUSTER_DNS", "SSE_NODE_ID");
    assertThat(m.all("Secret")).hasSize(2);

    Path dir = Chart.repoRoot().resolve("deploy/target/kube-play");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("chart.yaml"), text);
    KubePlay.write(m, dir);
    assertThat(Files.readString(dir.resolve("play.yaml"))).contains("kind: Deployment").doesNotContain("kind: Secret");
  }
}
