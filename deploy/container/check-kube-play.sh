#!/usr/bin/env bash
# Runs the Helm chart's rendered Deployment (two replicas, with its ConfigMap and Secrets) and a Redis
# pod with `podman kube play`, and checks what a Kubernetes install relies on:
#   - each pod passes the chart's own startup, liveness and readiness probes (path, port, period,
#     thresholds read from the rendered Deployment), runs as the chart's user with a read-only root,
#     and gets the environment the chart wires (ConfigMap, Secret references, pod name);
#   - the two replicas form one Hazelcast cluster through the chart's DNS discovery (SSE_CLUSTER_DNS);
#   - a subscriber on one pod gets an event published on the other;
#   - deleting a pod (preStop, then SIGTERM, within terminationGracePeriodSeconds) drains it: it turns
#     unready, its stream ends with a retry hint, the survivor sees one member, and the client resumes
#     on the survivor from Last-Event-ID without loss.
# What podman 4.3 does not do (readiness/startup probes, preStop, grace period, headless Service DNS)
# the script does in the kubelet's place, and says so as it goes.
# Usage: deploy/container/check-kube-play.sh [--keep]   (--keep: leave the pods running)
# Needs: podman, the image (built when missing), Java 17+ (renders the chart with the bundled Helm).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KEEP="${1:-}"
OUT="$REPO_ROOT/deploy/target/kube-play"
NET="${SSE_KUBE_NETWORK:-sse-kube}"
WORK=$(mktemp -d /tmp/sse-kube-play.XXXXXX)
SUB_PID=""
T0=$(now_ms)
secs() { printf '%d.%d s' $(( ($(now_ms) - $1) / 1000 )) $(( ($(now_ms) - $1) % 1000 / 100 )); }
# podman 4.3 has no --ulimit for kube play: default ulimits come from a containers.conf.
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=4096:4096"]\n' "$NOFILE" "$NOFILE" >"$WORK/containers.conf"
export CONTAINERS_CONF="$WORK/containers.conf"
quiet() { grep -v -e 'systemd' -e 'syslog' || true; }

pods() { for ((i = 0; i < KP_REPLICAS; i++)); do echo "$KP_DEPLOYMENT-pod-$i"; done; }
teardown() {
  [[ -n "$SUB_PID" ]] && kill "$SUB_PID" 2>/dev/null || true
  local p
  for p in $(pods 2>/dev/null) sse-redis; do pm pod rm -f -t 0 "$p" 2>&1 | quiet >/dev/null || true; done
  # podman 4.3 makes the pods' emptyDir a named volume after the volume's name (tmp).
  pm volume rm tmp >/dev/null 2>&1 || true
  for s in "$OUT"/secrets/*.json; do [[ -e "$s" ]] && { pm secret rm "$(basename "$s" .json)" >/dev/null 2>&1 || true; }; done
  pm network rm "$NET" >/dev/null 2>&1 || true
}
cleanup() { [[ "$KEEP" == --keep ]] && say "left running (--keep); remove: podman pod rm -f $(pods | tr '\n' ' ')sse-redis" || teardown; rm -rf "$WORK"; }

# ------------------------------------------------------------------ image and manifests
image_exists "$IMAGE" || "$CONTAINER_DIR/build-image.sh"
image_exists "$BASE_SERVICES" || "$CONTAINER_DIR/build-bases.sh"
say "rendering the chart with deploy/container/kube-play-values.yaml (bundled Helm, KubePlayManifestTest)"
(cd "$REPO_ROOT" && ./mvnw -q -B -pl deploy -am -Dtest=KubePlayManifestTest -Dsurefire.failIfNoSpecifiedTests=false verify) \
  >"$WORK/render.log" 2>&1 || { tail -n 30 "$WORK/render.log"; fail "rendering failed"; }
# shellcheck disable=SC1091
source "$OUT/check.env"
ok "rendered $OUT/chart.yaml: Deployment $KP_DEPLOYMENT, $KP_REPLICAS replicas; kube play runs play.yaml (ConfigMap + Deployment) and secrets/*.json"
trap cleanup EXIT
teardown

# ------------------------------------------------------------------ play
pm network create "$NET" >/dev/null
for s in "$OUT"/secrets/*.json; do pm secret create "$(basename "$s" .json)" "$s" >/dev/null; done
ok "podman secrets (the chart's Secrets, data maps): $(ls "$OUT"/secrets | sed 's/\.json//' | tr '\n' ' ')"
sed "s|image: .*|image: $BASE_SERVICES|" "$CONTAINER_DIR/kube-play-redis.yaml" >"$WORK/redis.yaml"
pm kube play --network "$NET" "$WORK/redis.yaml" 2>&1 | quiet >"$WORK/play-redis.log" || { cat "$WORK/play-redis.log"; fail "kube play redis"; }
# The headless Service's DNS name, as a network alias of every gateway pod: the network's DNS then
# answers it with all pod addresses, as Kubernetes DNS does for a headless Service. The chart's
# SSE_CLUSTER_DNS is used unchanged (no discovery override).
t_play=$(now_ms)
pm kube play --network "$NET:alias=$KP_CLUSTER_DNS" "$OUT/play.yaml" 2>&1 | quiet >"$WORK/play.log" \
  || { cat "$WORK/play.log"; fail "kube play of the chart's Deployment"; }
say "kube play: $(pm pod ps --format '{{.Name}} ({{.Status}})' | tr '\n' ' ')"

ip_of() { pm inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1-gateway"; }
# An HTTP probe as the kubelet runs it: GET on the pod's address; 200-399 is success.
probe() { local c; c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$1:$2$3" || true); [[ "$c" -ge 200 && "$c" -lt 400 ]]; }

# ------------------------------------------------------------------ probes
say "probes from the rendered Deployment (podman 4.3 runs none of them as Kubernetes would: the script runs them):"
say "  startup   GET :$KP_STARTUP_PORT$KP_STARTUP_PATH every ${KP_STARTUP_PERIOD}s, $KP_STARTUP_FAILURES failures allowed"
say "  readiness GET :$KP_READINESS_PORT$KP_READINESS_PATH after ${KP_READINESS_DELAY}s, every ${KP_READINESS_PERIOD}s, unready after $KP_READINESS_FAILURES failures"
say "  liveness  GET :$KP_LIVENESS_PORT$KP_LIVENESS_PATH after ${KP_LIVENESS_DELAY}s, every ${KP_LIVENESS_PERIOD}s"
declare -A IP
for pod in $(pods); do
  IP[$pod]=$(ip_of "$pod")
  tries=0
  until probe "${IP[$pod]}" "$KP_STARTUP_PORT" "$KP_STARTUP_PATH"; do
    ((++tries <= KP_STARTUP_FAILURES)) || { pm logs "$pod-gateway" 2>&1 | tail -n 20; fail "$pod failed its startup probe $tries times"; }
    sleep "$KP_STARTUP_PERIOD"
  done
  ok "$pod (${IP[$pod]}): startup probe passed after $tries failed tries, $(secs "$t_play") after kube play"
done
for pod in $(pods); do
  until probe "${IP[$pod]}" "$KP_READINESS_PORT" "$KP_READINESS_PATH"; do
    (( $(now_ms) - t_play < 180000 )) || fail "$pod not ready 180 s after kube play"
    sleep "$KP_READINESS_PERIOD"
  done
  ok "$pod: READY (readiness probe $KP_READINESS_PATH 200) $(secs "$t_play") after kube play"
  probe "${IP[$pod]}" "$KP_LIVENESS_PORT" "$KP_LIVENESS_PATH" && ok "$pod: liveness probe passes"
done
# Where start-up time goes, from each pod's own JSON log (epoch-ms timestamps).
for pod in $(pods); do
  c0=$(date -d "$(pm inspect --format '{{.State.StartedAt}}' "$pod-gateway" | sed 's/ UTC$//')" +%s%3N)
  logs=$(pm logs "$pod-gateway" 2>&1)
  at() { grep -m1 "$1" <<<"$logs" | grep -o '"timestamp":[0-9]*' | cut -d: -f2; }
  first=$(grep -m1 -o '"timestamp":[0-9]*' <<<"$logs" | cut -d: -f2)
  joined=$(at "Members {size:$KP_REPLICAS"); readyl=$(at 'ready on')
  rel() { [[ -n "$1" ]] && printf '+%d.%d s' $((($1 - c0) / 1000)) $((($1 - c0) % 1000 / 100)) || printf 'n/a'; }
  say "$pod timeline after its container started: first log line $(rel "$first"), $KP_REPLICAS members $(rel "$joined"), 'ready on' $(rel "$readyl")"
done
hc=$(pm inspect --format '{{json .Config.Healthcheck.Test}}' "$(pods | head -n 1)-gateway")
if pm healthcheck run "$(pods | head -n 1)-gateway" >/dev/null 2>&1; then hcres=healthy; else hcres="fails (the image has no curl; a kubelet runs HTTP probes itself)"; fi
say "podman's own translation of the liveness probe, $hc: $hcres"

# ------------------------------------------------------------------ user, filesystem, environment
for pod in $(pods); do
  c="$pod-gateway"
  idline=$(pm exec "$c" id)
  [[ "$idline" == "uid=$KP_RUN_AS_USER("* ]] || fail "$pod runs as $idline, not $KP_RUN_AS_USER"
  pm exec "$c" sh -c 'touch /app/x' 2>/dev/null && fail "$pod: the root filesystem is writable"
  pm exec "$c" sh -c 'touch /tmp/x && rm /tmp/x' || fail "$pod: /tmp (emptyDir) is not writable"
  env=$(pm exec "$c" env)
  for want in "SSE_NODE_ID=$pod" "SSE_PUBLISH_KEY=$KP_PUBLISH_KEY" "SSE_REDIS_URL=redis://sse-redis:6379" \
      "SSE_CLUSTER_DNS=$KP_CLUSTER_DNS" "JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=50"; do
    grep -qxF "$want" <<<"$env" || fail "$pod: expected $want in its environment"
  done
  heap=$(pm exec "$c" java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%d", $4 / 1048576}')
  ok "$pod: $idline, read-only root with a writable /tmp, max heap $heap MiB of the 1 GiB limit"
done
say "environment of $(pods | head -n 1) (the chart's ConfigMap, Secret refs and pod name; key masked):"
pm exec "$(pods | head -n 1)-gateway" env | grep -E '^(SSE_|JDK_)' | sort | sed -E 's/(SSE_PUBLISH_KEY=).*/\1<from Secret>/; s/^/    /'

# ------------------------------------------------------------------ one cluster
P0=$(pods | sed -n 1p); P1=$(pods | sed -n 2p)
for pod in $P0 $P1; do
  stats=$(curl -s --max-time 3 "http://${IP[$pod]}:8080/stats")
  n=$(grep -o '"nodeCount":[0-9]*' <<<"$stats" | cut -d: -f2)
  [[ "$n" == "$KP_REPLICAS" ]] || fail "$pod sees $n members, not $KP_REPLICAS: $stats"
done
ok "one Hazelcast cluster via DNS discovery of $KP_CLUSTER_DNS: /stats on each pod: nodeCount $KP_REPLICAS, nodes $(grep -o '"node":"[^"]*"' <<<"$stats" | sort -u | cut -d'"' -f4 | tr '\n' ' ')"

# ------------------------------------------------------------------ publish on one, receive on the other
publish() { curl -s -H "Authorization: Bearer $KP_PUBLISH_KEY" -H 'Content-Type: application/json' -d "{\"topic\":\"kp\",\"data\":\"$2\"}" "http://$1:8080/publish"; }
curl -sN --max-time 120 "http://${IP[$P0]}:8080/events?topic=kp" >"$WORK/sub.out" 2>/dev/null &
SUB_PID=$!
sleep 1
r1=$(publish "${IP[$P1]}" event-one)
for _ in $(seq 1 40); do grep -q 'data: event-one' "$WORK/sub.out" && break; sleep 0.25; done
grep -q '^data: event-one' "$WORK/sub.out" || { cat "$WORK/sub.out"; fail "the subscriber on $P0 did not get the event published on $P1 ($r1)"; }
id1=$(grep -B2 '^data: event-one' "$WORK/sub.out" | sed -n 's/^id: //p')
ok "subscriber on $P0 got the event published on $P1 (answer $r1, id $id1)"

# ------------------------------------------------------------------ delete a pod
grace=$KP_GRACE_SECONDS; pre=${KP_PRESTOP#sleep }
say "deleting $P0 as the kubelet would: preStop '$KP_PRESTOP' (podman exec), then SIGTERM to the container with the rest of terminationGracePeriodSeconds=$grace; the pod's network goes last"
td=$(now_ms)
pm exec "$P0-gateway" $KP_PRESTOP
pm stop -t $((grace - pre)) "$P0-gateway" >/dev/null 2>"$WORK/stop.err" &
stop_pid=$!
unready=""
while kill -0 "$stop_pid" 2>/dev/null; do
  if [[ -z "$unready" ]] && ! probe "${IP[$P0]}" "$KP_READINESS_PORT" "$KP_READINESS_PATH"; then
    unready=$(secs "$td"); say "$P0 fails its readiness probe $unready after the delete began ($pre s of preStop)"
  fi
  (( $(now_ms) - td < (grace + 10) * 1000 )) || fail "$P0 still stopping after $((grace + 10)) s"
  sleep 0.2
done
stopped=$(secs "$td")
code=$(pm inspect --format '{{.State.ExitCode}}' "$P0-gateway")
# The stream must have ended by itself (the drain closed it), not by curl's timeout.
kill -0 "$SUB_PID" 2>/dev/null && fail "the stream on $P0 is still open after the pod stopped"
wait "$SUB_PID" && sub_rc=0 || sub_rc=$?; SUB_PID=""
hint=$(sed -n '/^data: event-one/,$p' "$WORK/sub.out" | grep '^retry:' | tail -n 1)
[[ -n "$hint" && "$sub_rc" == 0 ]] || { cat "$WORK/sub.out"; fail "the stream on $P0 did not end with a drain retry hint (curl exit $sub_rc)"; }
ok "$P0's container stopped $stopped after the delete began (grace ${grace}s), exit code $code; its stream was closed by the drain with '$hint'"
say "$P0's drain, from its log: $(pm logs "$P0-gateway" 2>&1 | grep -o '"message":"[^"]*\(SIGTERM\|Drain\|drain\|stopped\)[^"]*"' | cut -d'"' -f4 | tr '\n' '|')"
pm pod rm -f -t 0 "$P0" 2>&1 | quiet >/dev/null
for _ in $(seq 1 40); do
  n=$(curl -s --max-time 2 "http://${IP[$P1]}:8080/stats" | grep -o '"nodeCount":[0-9]*' | cut -d: -f2)
  [[ "$n" == 1 ]] && break; sleep 0.25
done
[[ "$n" == 1 ]] || fail "$P1 still counts $n members"
ok "$P1 now counts 1 member and stays ready: $(probe "${IP[$P1]}" "$KP_READINESS_PORT" "$KP_READINESS_PATH" && echo yes || echo NO)"

# The client comes back on the survivor with the last id it saw; an event published meanwhile is not lost.
r2=$(publish "${IP[$P1]}" event-two)
curl -sN --max-time 5 -H "Last-Event-ID: $id1" "http://${IP[$P1]}:8080/events?topic=kp" >"$WORK/resume.out" 2>/dev/null || true
grep -q '^data: event-two' "$WORK/resume.out" || { cat "$WORK/resume.out"; fail "resume on $P1 from $id1 did not replay event-two ($r2)"; }
ok "reconnected to $P1 with Last-Event-ID $id1: got event-two, published while it was away"
say "PASS: kube play of the chart, $KP_REPLICAS replicas + Redis, in $(secs "$T0")"
