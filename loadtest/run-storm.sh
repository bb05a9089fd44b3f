#!/usr/bin/env bash
# Reconnect storm: N clients (SseInjector JVMs, reconnecting like EventSource: after the server's
# retry: delay, with Last-Event-ID, to the next node in their list) spread over K gateway nodes while
# a publisher posts a steady stream of events to the last node; then node 1 is killed (kill -9) or,
# with --term, drained (SIGTERM: paced waves over SSE_DRAIN_MS). Measured: time from the fault to the
# last successful resume, resume-time percentiles, and lost / duplicate events over all clients.
#
# Usage: loadtest/run-storm.sh N [--term]
#
# Parameters (environment; defaults in brackets):
#   LT_NODES            gateway nodes                            [max(3, ceil(N / 15000) + 1)]
#   LT_PER_INJECTOR     connections per injector JVM                                     [16000]
#   LT_STORM_RATE       events per second during the run (one topic)                         [10]
#   LT_FAULT_AFTER      seconds between "all connected" and the fault                        [10]
#   LT_STORM_WINDOW     seconds the publisher goes on after the fault                        [40]
#   LT_DRAIN_MS         SSE_DRAIN_MS of the nodes (for --term)                            [10000]
#   LT_NODE_JAVA_OPTS / LT_NODE_ENV / LT_INJECTOR_JAVA_OPTS      as in run-scale.sh
#   LT_RESULTS_DIR      where <date>-storm-<N>[-term].json goes                 [loadtest/results]
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

N="${1:-}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || lt_die "usage: loadtest/run-storm.sh N [--term]"
MODE=kill
[[ "${2:-}" == "--term" ]] && MODE=term
COMMAND="loadtest/run-storm.sh $*"
while IFS= read -r kv; do COMMAND="${kv%%=*}=$(printf '%q' "${kv#*=}") $COMMAND"; done < <(env | grep -E '^LT_[A-Z_]+=' | sort -r)
NODES=${LT_NODES:-$(((N + 14999) / 15000 + 1))}
((NODES < 3)) && [[ -z "${LT_NODES:-}" ]] && NODES=3
PER_INJ=${LT_PER_INJECTOR:-16000}
INJECTORS=$(((N + PER_INJ - 1) / PER_INJ))
RATE=${LT_STORM_RATE:-10}
FAULT_AFTER=${LT_FAULT_AFTER:-10}
WINDOW=${LT_STORM_WINDOW:-40}
STAMP=$(date +%Y-%m-%d-%H%M)
WORK=$LT_DIR/target/runs/$STAMP-storm-$N
RESULTS=${LT_RESULTS_DIR:-$LT_DIR/results}
(((N / (NODES - 1)) < 19000)) || lt_die "after the fault, $N clients on $((NODES - 1)) nodes is over 19000 per node: raise LT_NODES"
mkdir -p "$WORK" "$RESULTS"
lt_build
cp "$REPO_ROOT/gateway/target/sse-gateway.jar" "$WORK/sse-gateway.jar"

HOSTS=""
for ((i = 1; i <= NODES; i++)); do HOSTS+="${HOSTS:+ }127.0.0.$((i + 1))"; done
export SSE_LOCAL_RUN_DIR="$WORK/cluster" SSE_LOCAL_NODE_HOSTS="$HOSTS" SSE_LOCAL_HTTP_BASE=19581 \
  SSE_LOCAL_CLUSTER_BASE=17001 SSE_LOCAL_LB_PORT=19580 SSE_LOCAL_LB_STATS_PORT=19579 SSE_LOCAL_REDIS_PORT=17679 \
  SSE_LOCAL_JAVA_OPTS="${LT_NODE_JAVA_OPTS:--Xms64m -Xmx512m}" SSE_LOCAL_NODE_ENV="${LT_NODE_ENV:-}" \
  SSE_LOCAL_JAR="$WORK/sse-gateway.jar" SSE_LOCAL_DRAIN_MS="${LT_DRAIN_MS:-10000}" \
  SSE_LOCAL_START_TIMEOUT=$((60 + 30 * NODES))

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  lt_stop_all
  "$REPO_ROOT/deploy/local/cluster-down.sh" >>"$WORK/cluster-down.log" 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$REPO_ROOT/deploy/local/cluster-up.sh" "$NODES" >"$WORK/cluster-up.out" 2>"$WORK/cluster-up.log" ||
  lt_die "cluster-up.sh failed: $(tail -n 3 "$WORK/cluster-up.log")"
# shellcheck disable=SC1091
source <(grep -E '^SSE_[A-Z_]+=' "$WORK/cluster/cluster.env")
read -r -a NODE_URLS <<<"$SSE_NODE_URLS"
TARGETS=$(tr ' ' ',' <<<"$SSE_NODE_URLS")
lt_log "cluster up: ${NODE_URLS[*]}"

lt_start_injectors "$WORK" "$N" "$INJECTORS" "$TARGETS" $((N / 1000 > 10 ? N / 1000 : 10)) \
  -Dtopics=1 -DtopicPrefix=storm- -Dreconnect=true -Dfailover=true
lt_wait_connected "$N" $((N / 1000 + 180)) "${NODE_URLS[-1]}" || lt_die "not all $N clients connected"
lt_snapshot connect

SURVIVOR="${NODE_URLS[-1]}"
PUBLISH_SECONDS=$((FAULT_AFTER + WINDOW))
lt_log "publishing $RATE events/s for ${PUBLISH_SECONDS}s to $SURVIVOR"
lt_publish "$WORK/publish.json" -Dmode=http -Durls="$SURVIVOR" -DpublishKey="$SSE_PUBLISH_KEY" -DtopicPrefix=storm- \
  -Dtopics=1 -Dcount=0 -Drate="$RATE" -DdurationSeconds="$PUBLISH_SECONDS" >"$WORK/publish.log" 2>&1 &
PUB_PID=$!
lt_track "$PUB_PID"
sleep "$FAULT_AFTER"
ON_NODE1=$(metric "${NODE_URLS[0]}" sse_connections)
FAULT_MICROS=$(now_micros)
if [[ $MODE == term ]]; then
  lt_log "fault: SIGTERM node 1 ($ON_NODE1 clients; drain ${SSE_LOCAL_DRAIN_MS} ms)"
  "$REPO_ROOT/deploy/local/kill-node.sh" 1 --term >>"$WORK/fault.log" 2>&1 &
  lt_track "$!"
else
  lt_log "fault: kill -9 node 1 ($ON_NODE1 clients)"
  "$REPO_ROOT/deploy/local/kill-node.sh" 1 >>"$WORK/fault.log" 2>&1
fi
wait "$PUB_PID" || lt_log "publisher reported errors (see $WORK/publish.log)"
PUBLISHED=$(grep -o '"storm-0" : [0-9]*' "$WORK/publish.json" | grep -o '[0-9]*$' || echo 0)
lt_wait_connected "$N" 120 || lt_log "not every client is back"
lt_wait_delivered $((N * PUBLISHED)) 120 || true
lt_snapshot storm
lt_stop_injectors

FILES=()
for d in "${INJ_DIRS[@]}"; do FILES+=("$d/result-storm.json"); done
SUFFIX=""
[[ $MODE == term ]] && SUFFIX=-term
OUT="$RESULTS/$(date +%Y-%m-%d)-storm-$N$SUFFIX"
lt_java dev.ssegateway.loadtest.core.MergeMain --out "$OUT.json" --publish "$WORK/publish.json" \
  --fault-micros "$FAULT_MICROS" "${FILES[@]}" | tee "$WORK/merge.log"
{
  WHAT="killed (kill -9)"
  [[ $MODE == term ]] && WHAT="drained (SIGTERM)"
  echo "# Reconnect storm: $N clients, node 1 ($ON_NODE1 clients) $WHAT"
  echo
  echo '```sh'
  echo "$COMMAND"
  echo '```'
  echo
  echo "Machine: $(machine_line). $NODES nodes, $INJECTORS SseInjector JVM(s), $RATE events/s published to the surviving node $SURVIVOR."
  echo
  echo '```'
  cat "$WORK/merge.log"
  echo '```'
  echo
  echo "recoverySeconds = last successful resume - fault; resumeMs = stream lost to stream open again (includes the retry: wait); full figures in $(basename "$OUT").json."
} >"$OUT.md"
lt_log "result: $OUT.md"
