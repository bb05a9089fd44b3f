#!/usr/bin/env bash
# Runs deploy/compose/compose.yaml (Redis, three gateway nodes, HAProxy) with podman-compose, using
# the locally built image and the local services base for Redis and HAProxy, and checks:
#   - HAProxy itself sees the three nodes UP (its stats CSV) and answers /health/ready;
#   - every node runs as the image's non-root user with a read-only root;
#   - the nodes form one Hazelcast cluster; a subscriber on node-1 and one through the load balancer
#     both get an event published on node-2;
#   - stopping node-1 (SIGTERM, compose's stop_grace_period) drains it: HAProxy marks it DOWN, its
#     stream ends with a retry hint, it exits within the grace period, the others count two members,
#     and a client resumes through the load balancer from Last-Event-ID without loss.
# Usage: deploy/container/check-compose.sh [--keep]      Ports: SSE_LB_PORT (28180), SSE_LB_STATS_PORT (28404)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KEEP="${1:-}"
PROJECT=sse-compose
COMPOSE_FILE="$REPO_ROOT/deploy/compose/compose.yaml"
export SSE_LB_PORT="${SSE_LB_PORT:-28180}" SSE_LB_STATS_PORT="${SSE_LB_STATS_PORT:-28404}"
export SSE_IMAGE="$IMAGE" SSE_REDIS_IMAGE="${SSE_REDIS_IMAGE:-$BASE_SERVICES}" SSE_LB_IMAGE="${SSE_LB_IMAGE:-$BASE_SERVICES}"
export SSE_PUBLISH_KEY
SSE_PUBLISH_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
LB="127.0.0.1:$SSE_LB_PORT"
STATS="http://127.0.0.1:$SSE_LB_STATS_PORT/;csv"
WORK=$(mktemp -d /tmp/sse-check-compose.XXXXXX)
SUB_PIDS=()
T0=$(now_ms)
secs() { printf '%d.%d s' $(( ($(now_ms) - $1) / 1000 )) $(( ($(now_ms) - $1) % 1000 / 100 )); }
# podman-compose calls plain `podman`: the runtime and default ulimits come from a containers.conf.
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=4096:4096"]\n[engine]\nruntime = "%s"\n' \
  "$NOFILE" "$NOFILE" "$PODMAN_RUNTIME" >"$WORK/containers.conf"
export CONTAINERS_CONF="$WORK/containers.conf"
compose() { podman-compose -p "$PROJECT" -f "$COMPOSE_FILE" "$@"; }
ctr() { echo "${PROJECT}_$1_1"; }
ip_of() { pm inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(ctr "$1")"; }
lb_view() { curl -s --max-time 2 "$STATS" | awk -F, '$1 == "gateways" && $2 ~ /^node-/ {printf "%s:%s ", $2, $18}'; }
cleanup() {
  for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ "$KEEP" == --keep ]]; then say "left running (--keep); stop: podman-compose -p $PROJECT -f $COMPOSE_FILE down"
  else
    compose down -t 0 >"$WORK/down.log" 2>&1 || true
    pm network rm "${PROJECT}_default" >/dev/null 2>&1 || true   # podman-compose 1.0.3 leaves it
  fi
  rm -rf "$WORK"
}

image_exists "$IMAGE" || "$CONTAINER_DIR/build-image.sh"
image_exists "$BASE_SERVICES" || "$CONTAINER_DIR/build-bases.sh"
for port in "$SSE_LB_PORT" "$SSE_LB_STATS_PORT"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port is taken: set SSE_LB_PORT / SSE_LB_STATS_PORT"
done
trap cleanup EXIT
compose down -t 0 >/dev/null 2>&1 || true

# ------------------------------------------------------------------ up
say "podman-compose up -d (gateway $SSE_IMAGE, Redis and HAProxy from $BASE_SERVICES)"
t_up=$(now_ms)
compose up -d >"$WORK/up.log" 2>&1 || { tail -n 30 "$WORK/up.log"; fail "podman-compose up"; }
ok "containers started in $(secs "$t_up"): $(pm ps --filter "name=$PROJECT" --format '{{.Names}}' | tr '\n' ' ')"
# Ready means: the load balancer's own health checks see every node UP, and it answers /health/ready.
until [[ "$(lb_view)" == "node-1:UP node-2:UP node-3:UP " ]]; do
  (( $(now_ms) - t_up < 180000 )) || { compose logs node-1 2>&1 | tail -n 20; fail "HAProxy does not see 3 nodes UP after 180 s: $(lb_view)"; }
  sleep 1
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$LB/health/ready")" == 200 ]] || fail "the load balancer does not answer /health/ready"
ok "HAProxy sees $(lb_view)$(secs "$t_up") after up (load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores); http://$LB/health/ready 200"

for n in node-1 node-2 node-3; do
  idline=$(pm exec "$(ctr $n)" id)
  [[ "$idline" == "uid=10001(sse) gid=10001(sse)"* ]] || fail "$n runs as $idline"
  pm exec "$(ctr $n)" sh -c 'touch /app/x' 2>/dev/null && fail "$n: the root filesystem is writable"
done
ok "node-1..3 run as uid=10001(sse) with a read-only root"
stats=$(curl -s "http://$LB/stats")
[[ "$(grep -o '"nodeCount":[0-9]*' <<<"$stats")" == '"nodeCount":3' ]] || fail "not one cluster of 3: $stats"
ok "one cluster: /stats through the load balancer says nodeCount 3 ($(grep -o '"node":"node-[0-9]"' <<<"$stats" | sort -u | cut -d'"' -f4 | tr '\n' ' '))"

# ------------------------------------------------------------------ publish on node-2, receive on node-1 and via the LB
declare -A IP
for n in node-1 node-2 node-3; do IP[$n]=$(ip_of $n); done
publish() { curl -s -H "Authorization: Bearer $SSE_PUBLISH_KEY" -H 'Content-Type: application/json' -d "{\"topic\":\"compose\",\"data\":\"$2\"}" "http://$1/publish"; }
curl -sN --max-time 120 "http://${IP[node-1]}:8080/events?topic=compose" >"$WORK/sub1.out" 2>/dev/null & SUB_PIDS+=($!); SUB1=$!
curl -sN --max-time 120 "http://$LB/events?topic=compose" >"$WORK/sublb.out" 2>/dev/null & SUB_PIDS+=($!)
sleep 1
r1=$(publish "${IP[node-2]}:8080" event-one)
for _ in $(seq 1 40); do grep -q 'data: event-one' "$WORK/sub1.out" && grep -q 'data: event-one' "$WORK/sublb.out" && break; sleep 0.25; done
grep -q '^data: event-one' "$WORK/sub1.out" || fail "the subscriber on node-1 did not get the event published on node-2 ($r1)"
grep -q '^data: event-one' "$WORK/sublb.out" || fail "the subscriber through HAProxy did not get the event ($r1)"
id1=$(grep -B2 '^data: event-one' "$WORK/sub1.out" | sed -n 's/^id: //p')
ok "published on node-2 ($r1): the subscriber on node-1 and the one through HAProxy both got it"

# ------------------------------------------------------------------ stop node-1
grace=$(sed -n 's/^ *stop_grace_period: *\([0-9]*\)s/\1/p' "$COMPOSE_FILE" | head -n 1)
say "stopping node-1 (SIGTERM, grace ${grace}s, as 'podman-compose stop node-1' does)"
td=$(now_ms)
pm stop -t "$grace" "$(ctr node-1)" >/dev/null 2>&1 &
stop_pid=$!
down=""
while kill -0 "$stop_pid" 2>/dev/null; do
  [[ -z "$down" && "$(lb_view)" == *"node-1:DOWN"* ]] && { down=$(secs "$td"); say "HAProxy marks node-1 DOWN $down after SIGTERM"; }
  (( $(now_ms) - td < (grace + 10) * 1000 )) || fail "node-1 still stopping after $((grace + 10)) s"
  sleep 0.2
done
stopped=$(secs "$td")
code=$(pm inspect --format '{{.State.ExitCode}}' "$(ctr node-1)")
sleep 0.5
kill -0 "$SUB1" 2>/dev/null && fail "the stream on node-1 is still open after it stopped"
hint=$(sed -n '/^data: event-one/,$p' "$WORK/sub1.out" | grep '^retry:' | tail -n 1)
[[ -n "$hint" ]] || { cat "$WORK/sub1.out"; fail "the stream on node-1 did not end with a drain retry hint"; }
ok "node-1 exited (code $code) $stopped after SIGTERM (grace ${grace}s); its stream was closed by the drain with '$hint'"
for _ in $(seq 1 40); do [[ "$(curl -s "http://$LB/stats" | grep -o '"nodeCount":[0-9]*')" == '"nodeCount":2' ]] && break; sleep 0.25; done
[[ "$(curl -s "http://$LB/stats" | grep -o '"nodeCount":[0-9]*')" == '"nodeCount":2' ]] || fail "the cluster does not shrink to 2"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$LB/health/ready")" == 200 ]] || fail "the load balancer is not ready after node-1 left"
ok "HAProxy: $(lb_view); cluster nodeCount 2; the load balancer still answers /health/ready 200"
r2=$(publish "$LB" event-two)
curl -sN --max-time 5 -H "Last-Event-ID: $id1" "http://$LB/events?topic=compose" >"$WORK/resume.out" 2>/dev/null || true
grep -q '^data: event-two' "$WORK/resume.out" || { cat "$WORK/resume.out"; fail "resume from $id1 through HAProxy did not replay event-two ($r2)"; }
ok "a client back through HAProxy with Last-Event-ID $id1 got event-two, published while it was away"
say "PASS: compose (Redis, 3 nodes, HAProxy) in $(secs "$T0")"
