#!/usr/bin/env bash
# Builds the gateway image from deploy/docker/Dockerfile with podman and checks it for real:
#   runs as its non-root user (with the chart's restrictions: read-only root, no capabilities,
#   1 GiB memory limit), becomes ready, a publish reaches a subscriber, the image's HEALTHCHECK
#   passes, and SIGTERM drains the stream and exits within SSE_DRAIN_MS + 10 s (the gateway's own
#   limit). Prints the image size and the time from `podman run` to ready.
# Bases: local Debian ones (build-bases.sh, built when missing) unless SSE_BUILD_BASE/SSE_RUNTIME_BASE
# name others, e.g. the official eclipse-temurin images where a registry is reachable.
# Usage: deploy/container/check-image.sh [--no-build]      Not part of ./mvnw verify (minutes).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PORT="${SSE_CHECK_PORT:-28080}"
DRAIN_MS="${SSE_CHECK_DRAIN_MS:-5000}"
NAME=sse-check-image
KEY=check-image-publish-key-0123456789
WORK=$(mktemp -d /tmp/sse-check-image.XXXXXX)
SUB_PID=""
SUB_PIDS=()
cleanup() {
  [[ -n "$SUB_PID" ]] && kill "$SUB_PID" 2>/dev/null || true
  for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  pm rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
pm rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && fail "port $PORT is taken: set SSE_CHECK_PORT"

# ------------------------------------------------------------------ build
[[ "${1:-}" == --no-build ]] || "$CONTAINER_DIR/build-image.sh"
image_exists "$IMAGE" || fail "no image $IMAGE (run without --no-build)"
size=$(pm image inspect --format '{{.Size}}' "$IMAGE")
base_size=$(pm image inspect --format '{{.Size}}' "${SSE_RUNTIME_BASE:-$BASE_JRE}" 2>/dev/null || echo 0)
say "image size: $((size / 1024 / 1024)) MiB (runtime base $((base_size / 1024 / 1024)) MiB, so the gateway layers add $(((size - base_size) / 1024 / 1024)) MiB)"
[[ "$(pm image inspect --format '{{.Config.User}}' "$IMAGE")" == 10001:10001 ]] || fail "image user is not 10001:10001"
hc=$(pm image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
[[ "$hc" == *health/live* ]] || fail "the image has no HEALTHCHECK (built without --format docker?): $hc"
ok "image user 10001:10001, HEALTHCHECK present"

# ------------------------------------------------------------------ run
say "podman run (read-only root, tmpfs /tmp, cap-drop ALL, no-new-privileges, --memory 1g, SSE_DRAIN_MS=$DRAIN_MS)"
t0=$(now_ms)
pm run -d --name "$NAME" "${ULIMITS[@]}" -p "127.0.0.1:$PORT:8080" \
  --read-only --tmpfs /tmp:rw,size=64m --cap-drop ALL --security-opt no-new-privileges --memory 1g \
  -e SSE_PUBLISH_KEY="$KEY" -e SSE_DRAIN_MS="$DRAIN_MS" -e SSE_LOG_FORMAT=text "$IMAGE" >/dev/null
for _ in $(seq 1 240); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/health/ready" || true)
  [[ "$code" == 200 ]] && break
  [[ "$(pm inspect --format '{{.State.Running}}' "$NAME")" == true ]] || { pm logs "$NAME" | tail -n 30; fail "container exited while starting"; }
  sleep 0.25
done
[[ "$code" == 200 ]] || { pm logs "$NAME" | tail -n 30; fail "not ready after 60 s"; }
start_ms=$(( $(now_ms) - t0 ))
ok "ready (/health/ready 200) $start_ms ms after podman run (load average $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores)"
say "its start line: $(pm logs "$NAME" 2>&1 | grep -m1 'ready on' | sed 's/^.*\(sse-gateway node\)/\1/')"

uid_line=$(pm exec "$NAME" id)
[[ "$uid_line" == "uid=10001(sse) gid=10001(sse)"* ]] || fail "not running as sse (10001): $uid_line"
pid1=$(pm exec "$NAME" cat /proc/1/cmdline | tr '\0' ' ' | cut -c1-40)
ok "runs as $uid_line; PID 1 is: $pid1..."
# A second JVM in the container sees the same limit and JDK_JAVA_OPTIONS as the gateway's.
heap=$(pm exec "$NAME" java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%d", $4 / 1048576}')
say "max heap in the container: $heap MiB (JDK_JAVA_OPTIONS MaxRAMPercentage=50 of --memory 1g)"
[[ "$heap" -ge 400 && "$heap" -le 600 ]] || fail "max heap $heap MiB is not about half of the 1 GiB limit"

# ------------------------------------------------------------------ publish -> subscriber
curl -sN --max-time 120 "http://127.0.0.1:$PORT/events?topic=check" >"$WORK/sub.out" 2>/dev/null &
SUB_PID=$!
for _ in $(seq 1 40); do grep -q '^:' "$WORK/sub.out" 2>/dev/null && break; [[ -s "$WORK/sub.out" ]] && break; sleep 0.25; done
sleep 0.5
resp=$(curl -s -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"topic":"check","event":"greeting","data":"hello from check-image"}' "http://127.0.0.1:$PORT/publish")
for _ in $(seq 1 40); do grep -q 'hello from check-image' "$WORK/sub.out" && break; sleep 0.25; done
grep -q '^data: hello from check-image' "$WORK/sub.out" || { cat "$WORK/sub.out"; fail "the subscriber did not get the event (publish answered $resp)"; }
ok "publish answered $resp; the subscriber got: $(grep -B2 '^data: hello' "$WORK/sub.out" | tr '\n' '|')"

# ------------------------------------------------------------------ HEALTHCHECK
pm healthcheck run "$NAME" >/dev/null || fail "podman healthcheck run: unhealthy"
ok "HEALTHCHECK passes (podman healthcheck run), status: $(pm inspect --format '{{.State.Health.Status}}' "$NAME" 2>/dev/null || pm inspect --format '{{.State.Healthcheck.Status}}' "$NAME")"

# ------------------------------------------------------------------ SIGTERM drains
# More streams, each recording when and how it ended, so the drain's pacing shows.
STREAMS="${SSE_CHECK_STREAMS:-40}"
for ((i = 1; i <= STREAMS; i++)); do
  ( curl -sN --max-time 120 "http://127.0.0.1:$PORT/events?topic=drain-$((i % 4))" >/dev/null 2>&1; echo "$? $(now_ms)" >"$WORK/end-$i" ) &
  SUB_PIDS+=($!)
done
for _ in $(seq 1 80); do
  conns=$(curl -s "http://127.0.0.1:$PORT/stats" | grep -o '"connections":[0-9]*' | head -n 1 | cut -d: -f2)
  [[ "$conns" == $((STREAMS + 1)) ]] && break; sleep 0.25
done
[[ "$conns" == $((STREAMS + 1)) ]] || fail "only $conns of $((STREAMS + 1)) streams open"
say "SIGTERM with $conns open streams"
t0=$(now_ms)
pm kill --signal TERM "$NAME" >/dev/null
unready_ms=""
while [[ "$(pm inspect --format '{{.State.Running}}' "$NAME")" == true ]]; do
  if [[ -z "$unready_ms" ]]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/health/ready" || true)
    [[ "$code" != 200 ]] && unready_ms=$(( $(now_ms) - t0 )) && say "readiness answers ${code/000/no connection} ${unready_ms} ms after SIGTERM"
  fi
  (( $(now_ms) - t0 < DRAIN_MS + 15000 )) || fail "still running $((DRAIN_MS + 15000)) ms after SIGTERM"
  sleep 0.1
done
exit_ms=$(( $(now_ms) - t0 ))
code=$(pm inspect --format '{{.State.ExitCode}}' "$NAME")
((exit_ms <= DRAIN_MS + 10000)) || fail "exited after $exit_ms ms, beyond SSE_DRAIN_MS + 10 s"
# The stream must have ended by itself, with the drain's retry hint after the event.
sleep 0.5; kill -0 "$SUB_PID" 2>/dev/null && fail "the stream is still open after the container exited"
wait "$SUB_PID" && sub_rc=0 || sub_rc=$?; SUB_PID=""
hint=$(sed -n '/^data: hello from check-image/,$p' "$WORK/sub.out" | grep '^retry:' | tail -n 1)
[[ -n "$hint" && "$sub_rc" == 0 ]] || { cat "$WORK/sub.out"; fail "the stream did not end with a drain retry hint (curl exit $sub_rc)"; }
ok "exited with code $code $exit_ms ms after SIGTERM (window $DRAIN_MS ms + 10 s); the drain closed the stream with '$hint'"
wait "${SUB_PIDS[@]}" 2>/dev/null || true; SUB_PIDS=()
ends=$(cat "$WORK"/end-* | awk -v t0="$t0" '$1 == 0 {print $2 - t0}' | sort -n)
n=$(grep -c . <<<"$ends" || true)
[[ "$n" == "$STREAMS" ]] || fail "only $n of $STREAMS streams were closed by the server (the others timed out or failed)"
ok "the other $STREAMS streams were closed by the drain between $(head -n 1 <<<"$ends") and $(tail -n 1 <<<"$ends") ms after SIGTERM (paced over the $DRAIN_MS ms window)"
say "its last log lines:"; pm logs "$NAME" 2>&1 | tail -n 4 | cut -c1-200 | sed 's/^/    /'
say "PASS: image $IMAGE, $((size / 1024 / 1024)) MiB, ready in $start_ms ms, drained and exited in $exit_ms ms"
