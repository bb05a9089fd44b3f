#!/usr/bin/env bash
# Scaling run: N concurrent SSE connections on K gateway nodes (one Hazelcast cluster, one Redis),
# held by M injector JVMs over source addresses 127.0.x.y; then broadcasts, measured end to end.
#
# Usage: loadtest/run-scale.sh N
#
# What it does, in order:
#   1. starts Redis and K = max(LT_NODES_MIN, ceil(N / LT_PER_NODE)) gateway nodes through
#      deploy/local/cluster-up.sh (its own run directory and ports; node i binds 127.0.0.(i+1));
#   2. samples each node's RSS, heap (jcmd) and CPU (/proc/PID/stat) with no connection;
#   3. starts M = ceil(N / LT_PER_INJECTOR) SseInjector JVMs and waits until the injectors hold N
#      streams and GET /stats reports N;
#   4. holds them LT_IDLE_SECONDS (idle CPU), runs a full GC on each node (jcmd GC.run) and samples
#      RSS and heap again;
#   5. publishes LT_BROADCASTS events to each of LT_TOPICS topics at LT_BROADCAST_RATE events/s
#      (POST /publish, or straight into Redis with LT_PUBLISH_MODE=redis) and waits until every
#      stream has received them; the injectors measure publish-to-delivery latency and count lost
#      and duplicate events per stream;
#   6. merges the injectors' results and writes loadtest/results/<date>-<N>.md and .json;
#   7. stops everything it started, by PID (cluster-down.sh for the cluster).
#
# Parameters (environment; defaults in brackets):
#   LT_PER_NODE         connections per gateway node (the open-file limit is 20000)      [15000]
#   LT_NODES_MIN        fewest gateway nodes                                                 [2]
#   LT_NODES            gateway nodes (overrides the two above)
#   LT_PER_INJECTOR     connections per injector JVM                                     [16000]
#   LT_TOPICS           topics; stream i subscribes topic i % LT_TOPICS                      [1]
#   LT_RAMP_SECONDS     seconds to open all streams               [max(10, N / 1000)]
#   LT_IDLE_SECONDS     idle hold before memory samples                                     [20]
#   LT_BROADCASTS       events per topic                                                    [10]
#   LT_BROADCAST_RATE   events per second (all topics)                                       [1]
#   LT_PUBLISH_MODE     http (POST /publish on node 1) or redis (publish script)         [http]
#   LT_DATA_BYTES       event data size                                                     [60]
#   LT_NODE_JAVA_OPTS   JVM options of each node                        [-Xms64m -Xmx512m]
#   LT_NODE_ENV         extra gateway settings, e.g. "SSE_EVENT_LOOPS=1 SSE_HEARTBEAT_MS=30000"  []
#   LT_INJECTOR_JAVA_OPTS  JVM options of each injector                     [-Xms256m -Xmx1g]
#   LT_CONNECT_TIMEOUT  seconds to wait for all streams                   [ramp + 180]
#   LT_DELIVERY_TIMEOUT seconds to wait for all deliveries after the last publish         [120]
#   LT_HTTP_BASE / LT_CLUSTER_BASE / LT_LB_PORT / LT_REDIS_PORT   ports     [19181/16801/19180/17379]
#   LT_RESULTS_DIR      where the .md and .json go                          [loadtest/results]
#   LT_WORK_DIR         run directory (logs, injector files)      [loadtest/target/runs/<stamp>-N]
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

N="${1:-}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || lt_die "usage: loadtest/run-scale.sh N   (N = connections)"
COMMAND="loadtest/run-scale.sh $N"
while IFS= read -r kv; do COMMAND="${kv%%=*}=$(printf '%q' "${kv#*=}") $COMMAND"; done < <(env | grep -E '^LT_[A-Z_]+=' | sort -r)

PER_NODE=${LT_PER_NODE:-15000}
NODES=${LT_NODES:-$(((N + PER_NODE - 1) / PER_NODE))}
((NODES < ${LT_NODES_MIN:-2})) && [[ -z "${LT_NODES:-}" ]] && NODES=${LT_NODES_MIN:-2}
PER_INJ=${LT_PER_INJECTOR:-16000}
INJECTORS=$(((N + PER_INJ - 1) / PER_INJ))
TOPICS=${LT_TOPICS:-1}
RAMP=${LT_RAMP_SECONDS:-$((N / 1000 > 10 ? N / 1000 : 10))}
IDLE=${LT_IDLE_SECONDS:-20}
BCASTS=${LT_BROADCASTS:-10}
BRATE=${LT_BROADCAST_RATE:-1}
PMODE=${LT_PUBLISH_MODE:-http}
STAMP=$(date +%Y-%m-%d-%H%M)
WORK=${LT_WORK_DIR:-$LT_DIR/target/runs/$STAMP-$N}
RESULTS=${LT_RESULTS_DIR:-$LT_DIR/results}
((N / NODES < 19000)) || lt_die "$N connections on $NODES nodes is over 19000 per node (open-file limit 20000): raise LT_NODES"
((N / INJECTORS < 19000)) || lt_die "over 19000 connections per injector: lower LT_PER_INJECTOR"
((INJECTORS <= 250)) || lt_die "too many injectors"

mkdir -p "$WORK" "$RESULTS"
lt_log "N=$N: $NODES gateway nodes, $INJECTORS injectors, $TOPICS topic(s), ramp ${RAMP}s; work dir $WORK"
lt_build
cp "$REPO_ROOT/gateway/target/sse-gateway.jar" "$WORK/sse-gateway.jar"

# ---------------------------------------------------------------- cluster (deploy/local scripts)
HOSTS=""
for ((i = 1; i <= NODES; i++)); do HOSTS+="${HOSTS:+ }127.0.0.$((i + 1))"; done
export SSE_LOCAL_RUN_DIR="$WORK/cluster" SSE_LOCAL_NODE_HOSTS="$HOSTS" \
  SSE_LOCAL_HTTP_BASE="${LT_HTTP_BASE:-19181}" SSE_LOCAL_CLUSTER_BASE="${LT_CLUSTER_BASE:-16801}" \
  SSE_LOCAL_LB_PORT="${LT_LB_PORT:-19180}" SSE_LOCAL_LB_STATS_PORT="$((${LT_LB_PORT:-19180} - 1))" \
  SSE_LOCAL_REDIS_PORT="${LT_REDIS_PORT:-17379}" SSE_LOCAL_JAVA_OPTS="${LT_NODE_JAVA_OPTS:--Xms64m -Xmx512m}" \
  SSE_LOCAL_NODE_ENV="${LT_NODE_ENV:-}" SSE_LOCAL_JAR="$WORK/sse-gateway.jar" SSE_LOCAL_DRAIN_MS=2000 \
  SSE_LOCAL_START_TIMEOUT=$((60 + 30 * NODES))

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  lt_stop_all
  "$REPO_ROOT/deploy/local/cluster-down.sh" >>"$WORK/cluster-down.log" 2>&1 || lt_log "cluster-down.sh failed (see $WORK/cluster-down.log)"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$REPO_ROOT/deploy/local/cluster-up.sh" "$NODES" >"$WORK/cluster-up.out" 2>"$WORK/cluster-up.log" ||
  lt_die "cluster-up.sh failed: $(tail -n 3 "$WORK/cluster-up.log")"
# shellcheck disable=SC1091
source <(grep -E '^SSE_[A-Z_]+=' "$WORK/cluster/cluster.env")
read -r -a NODE_URLS <<<"$SSE_NODE_URLS"
NODE_PIDS=()
for ((i = 1; i <= NODES; i++)); do NODE_PIDS+=("$(cat "$WORK/cluster/pids/node-$i.pid")"); done
lt_log "cluster up: ${NODE_URLS[*]} (pids ${NODE_PIDS[*]}), Redis $SSE_REDIS_URL"
TARGETS=$(tr ' ' ',' <<<"$SSE_NODE_URLS")

# ---------------------------------------------------------------- baseline samples
sleep 5
declare -A RSS_BASE HEAP_BASE CPU0 CPU1 CPU2 CPU3 CPU4 RSS_LOADED RSS_GC HEAP_GC HEAP_COMMITTED RSS_BCAST CONNS
for ((i = 0; i < NODES; i++)); do
  p=${NODE_PIDS[$i]}
  full_gc "$p"
  RSS_BASE[$i]=$(rss_kb "$p")
  read -r HEAP_BASE[$i] _ <<<"$(heap_kb "$p")"
  CPU0[$i]=$(cpu_s "$p")
done
T0=$SECONDS

# ---------------------------------------------------------------- connect
lt_start_injectors "$WORK" "$N" "$INJECTORS" "$TARGETS" "$RAMP" -Dtopics="$TOPICS" -DtopicPrefix=scale-
lt_wait_connected "$N" "${LT_CONNECT_TIMEOUT:-$((RAMP + 180))}" "${NODE_URLS[0]}" || lt_log "continuing with fewer streams"
for ((i = 0; i < NODES; i++)); do CPU1[$i]=$(cpu_s "${NODE_PIDS[$i]}"); done
RAMP_S=$((SECONDS - T0))
lt_snapshot connect

# ---------------------------------------------------------------- idle hold, memory
lt_log "holding idle for ${IDLE}s"
T1=$SECONDS
sleep "$IDLE"
for ((i = 0; i < NODES; i++)); do
  p=${NODE_PIDS[$i]}
  CPU2[$i]=$(cpu_s "$p")
  RSS_LOADED[$i]=$(rss_kb "$p")
  CONNS[$i]=$(metric "${NODE_URLS[$i]}" sse_connections)
done
IDLE_S=$((SECONDS - T1))
for ((i = 0; i < NODES; i++)); do
  p=${NODE_PIDS[$i]}
  full_gc "$p"
  sleep 1
  RSS_GC[$i]=$(rss_kb "$p")
  read -r HEAP_GC[$i] HEAP_COMMITTED[$i] <<<"$(heap_kb "$p")"
done
STATS_CONNECTIONS=$(stats_connections "${NODE_URLS[0]}")
lt_log "/stats connections: $STATS_CONNECTIONS"

# ---------------------------------------------------------------- broadcast
# One unmeasured publish first: the node's first POST /publish pays for JIT and script loading.
lt_publish "$WORK/warmup.json" -Dmode="$PMODE" -Durls="${NODE_URLS[0]}" -DpublishKey="$SSE_PUBLISH_KEY" \
  -DredisUrl="$SSE_REDIS_URL" -DtopicPrefix=warmup- -Dcount=5 -Drate=10 >"$WORK/warmup.log" 2>&1 || true
for ((i = 0; i < NODES; i++)); do CPU3[$i]=$(cpu_s "${NODE_PIDS[$i]}"); done
DELIVERED_BEFORE=$(inj_sum delivered)
CONNECTED=$(inj_sum connected)
T3=$SECONDS
lt_log "publishing $BCASTS event(s) to each of $TOPICS topic(s) at $BRATE/s ($PMODE)"
lt_publish "$WORK/publish.json" -Dmode="$PMODE" -Durls="${NODE_URLS[0]}" -DpublishKey="$SSE_PUBLISH_KEY" \
  -DredisUrl="$SSE_REDIS_URL" -Dtopics="$TOPICS" -DtopicPrefix=scale- -Dcount="$BCASTS" -Drate="$BRATE" \
  -DdataBytes="${LT_DATA_BYTES:-60}" -DdurationSeconds=$((BCASTS * TOPICS * 10 / BRATE + 60)) \
  >"$WORK/publish.log" 2>&1 || lt_log "publisher reported errors (see $WORK/publish.log)"
lt_wait_delivered $((DELIVERED_BEFORE + CONNECTED * BCASTS)) "${LT_DELIVERY_TIMEOUT:-120}" || true
sleep 2
for ((i = 0; i < NODES; i++)); do
  CPU4[$i]=$(cpu_s "${NODE_PIDS[$i]}")
  RSS_BCAST[$i]=$(rss_kb "${NODE_PIDS[$i]}")
done
BCAST_S=$((SECONDS - T3))
lt_snapshot broadcast
lt_stop_injectors

# ---------------------------------------------------------------- merge and report
mapfile -t CONNECT_FILES < <(for d in "${INJ_DIRS[@]}"; do echo "$d/result-connect.json"; done)
mapfile -t BCAST_FILES < <(for d in "${INJ_DIRS[@]}"; do echo "$d/result-broadcast.json"; done)
lt_java dev.ssegateway.loadtest.core.MergeMain --out "$WORK/merged-connect.json" "${CONNECT_FILES[@]}" >"$WORK/merge.log"
lt_java dev.ssegateway.loadtest.core.MergeMain --out "$WORK/merged-broadcast.json" --publish "$WORK/publish.json" "${BCAST_FILES[@]}" | tee -a "$WORK/merge.log" >&2

{
  printf 'node\taddress\tconnections\trss_base_kb\trss_loaded_kb\trss_gc_kb\theap_used_base_kb\theap_used_gc_kb\theap_committed_kb\trss_bcast_kb\tcpu_ramp_s\tcpu_idle_s\tcpu_bcast_s\tramp_s\tidle_s\tbcast_s\n'
  for ((i = 0; i < NODES; i++)); do
    printf 'node-%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((i + 1)) "${NODE_URLS[$i]#http://}" \
      "${CONNS[$i]}" "${RSS_BASE[$i]}" "${RSS_LOADED[$i]}" "${RSS_GC[$i]}" "${HEAP_BASE[$i]}" "${HEAP_GC[$i]}" \
      "${HEAP_COMMITTED[$i]}" "${RSS_BCAST[$i]}" \
      "$(awk -v a="${CPU0[$i]}" -v b="${CPU1[$i]}" 'BEGIN {print b - a}')" \
      "$(awk -v a="${CPU1[$i]}" -v b="${CPU2[$i]}" 'BEGIN {print b - a}')" \
      "$(awk -v a="${CPU3[$i]}" -v b="${CPU4[$i]}" 'BEGIN {print b - a}')" "$RAMP_S" "$IDLE_S" "$BCAST_S"
  done
} >"$WORK/nodes.tsv"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command=$COMMAND"
  echo "connections=$N"
  echo "statsConnections=${STATS_CONNECTIONS:-0}"
  echo "gatewayNodes=$NODES"
  echo "injectors=$INJECTORS"
  echo "topics=$TOPICS"
  echo "rampSeconds=$RAMP"
  echo "idleSeconds=$IDLE"
  echo "broadcastsPerTopic=$BCASTS"
  echo "broadcastRate=$BRATE"
  echo "publishMode=$PMODE"
  echo "dataBytes=${LT_DATA_BYTES:-60}"
  echo "nodeJavaOpts=$SSE_LOCAL_JAVA_OPTS"
  echo "nodeEnv=${LT_NODE_ENV:-}"
  echo "injectorJavaOpts=${LT_INJECTOR_JAVA_OPTS:--Xms256m -Xmx1g}"
  echo "gatewayCommit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "machine=$(machine_line)"
  echo "workDir=${WORK#"$REPO_ROOT"/}"
} >"$WORK/params.env"

OUT="$RESULTS/$(date +%Y-%m-%d)-$N"
lt_java dev.ssegateway.loadtest.report.ScaleReport "$WORK/params.env" "$WORK/nodes.tsv" \
  "$WORK/merged-connect.json" "$WORK/merged-broadcast.json" "$OUT" >&2
lt_log "result: $OUT.md"
cat "$OUT.md"
