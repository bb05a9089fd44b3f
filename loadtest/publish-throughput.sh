#!/usr/bin/env bash
# Publish throughput: starts one gateway node with its Redis (deploy/local/cluster-up.sh), then
#   1. POST /publish at rising rates with Gatling (PublishThroughputSimulation: HTML report with
#      response-time percentiles per step),
#   2. the same steps with LoadPublisher over HTTP (keep-alive, LT_PT_INFLIGHT in flight),
#   3. the same steps straight into Redis with the publisher library (the publish Lua script),
# and prints achieved rate and publish-call latency per step. Stops what it started.
#
# Usage: loadtest/publish-throughput.sh
# Parameters (environment; defaults in brackets):
#   LT_PT_RATES      comma list of offered rates, publishes/s      [500,1000,2000,4000,8000,16000]
#   LT_PT_STEP       seconds per step                                                        [10]
#   LT_PT_INFLIGHT   publishes in flight (LoadPublisher)                                     [32]
#   LT_PT_TOPICS     topics                                                                  [10]
#   LT_PT_GATLING    0: skip the Gatling run                                                  [1]
#   LT_PT_NODE_ENV   extra gateway settings (SSE_PUBLISH_RATE=0 is always set: the default limit
#                    of 1000/s per publisher would otherwise be what is measured)               []
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RATES=${LT_PT_RATES:-500,1000,2000,4000,8000,16000}
STEP=${LT_PT_STEP:-10}
INFLIGHT=${LT_PT_INFLIGHT:-32}
TOPICS=${LT_PT_TOPICS:-10}
WORK=$LT_DIR/target/runs/$(date +%Y-%m-%d-%H%M)-publish
mkdir -p "$WORK"
lt_build
cp "$REPO_ROOT/gateway/target/sse-gateway.jar" "$WORK/sse-gateway.jar"
export SSE_LOCAL_RUN_DIR="$WORK/cluster" SSE_LOCAL_NODE_HOSTS="127.0.0.2" SSE_LOCAL_HTTP_BASE=19681 \
  SSE_LOCAL_CLUSTER_BASE=17051 SSE_LOCAL_LB_PORT=19680 SSE_LOCAL_LB_STATS_PORT=19679 SSE_LOCAL_REDIS_PORT=17779 \
  SSE_LOCAL_JAR="$WORK/sse-gateway.jar" SSE_LOCAL_DRAIN_MS=1000 \
  SSE_LOCAL_NODE_ENV="SSE_PUBLISH_RATE=0 ${LT_PT_NODE_ENV:-}"   # measure the node, not its per-publisher rate limit
cleanup() { local rc=$?; trap - EXIT; lt_stop_all; "$REPO_ROOT/deploy/local/cluster-down.sh" >>"$WORK/cluster-down.log" 2>&1 || true; exit $rc; }
trap cleanup EXIT
trap 'exit 130' INT TERM
"$REPO_ROOT/deploy/local/cluster-up.sh" 1 >"$WORK/cluster-up.out" 2>"$WORK/cluster-up.log" || lt_die "cluster-up.sh failed"
# shellcheck disable=SC1091
source <(grep -E '^SSE_[A-Z_]+=' "$WORK/cluster/cluster.env")
NODE="${SSE_NODE_URLS%% *}"
IFS=, read -r -a R <<<"$RATES"
if [[ "${LT_PT_GATLING:-1}" == 1 ]]; then
  lt_log "Gatling: POST /publish from ${R[0]}/s, +$((R[1] - R[0]))/s per step, ${#R[@]} steps"
  LT_GATLING_RESULTS="$WORK/gatling" "$LT_DIR/gatling.sh" PublishThroughput -DpublishUrl="$NODE" -DpublishKey="$SSE_PUBLISH_KEY" \
    -Dtopics="$TOPICS" -DstartRate="${R[0]}" -DrateStep="$((R[1] - R[0]))" -Dsteps="${#R[@]}" -DstepSeconds="$STEP" \
    >"$WORK/gatling.log" 2>&1 || lt_log "Gatling run failed or its assertion failed (see $WORK/gatling.log)"
  grep -A12 'Global Information' "$WORK/gatling.log" || true
fi
for mode in http redis; do
  lt_log "LoadPublisher $mode: steps $RATES, ${STEP}s each, $INFLIGHT in flight"
  lt_publish "$WORK/publish-$mode.json" -Dmode="$mode" -Durls="$NODE" -DpublishKey="$SSE_PUBLISH_KEY" \
    -DredisUrl="$SSE_REDIS_URL" -Dtopics="$TOPICS" -DtopicPrefix=pt- -Drates="$RATES" -DstepSeconds="$STEP" \
    -DmaxInFlight="$INFLIGHT" 2>&1 | grep -E '^(step|published)' || true
done
lt_log "results in $WORK"
