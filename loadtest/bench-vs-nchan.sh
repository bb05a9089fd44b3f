#!/usr/bin/env bash
# Side-by-side fan-out benchmark on loopback: the same scenario, the same client (SseInjector) and
# the same publisher (LoadPublisher, over HTTP), first against one sse-gateway node (with its Redis),
# then against Nchan (Debian nginx + libnginx-mod-nchan, installed with apt-get when missing,
# configured by this script on a free loopback port). Prints the measured numbers and the ratios
# gateway / nchan. Not a test: nothing passes or fails on the numbers.
#
# Usage: loadtest/bench-vs-nchan.sh
#
# Scenario (per server): BENCH_SUBSCRIBERS event streams on one topic; idle hold, then memory;
# phase "steady": BENCH_RATE events/s for BENCH_STEADY_SECONDS; phase "max": BENCH_MAX_EVENTS
# events as fast as the server takes them (BENCH_MAX_INFLIGHT publishes in flight). Data is
# BENCH_DATA_BYTES bytes carrying a sequence number and the publish time, so the client measures
# publish-to-delivery latency and checks lost/duplicate events.
# Server CPU: utime+stime from /proc/PID/stat of the server's processes (gateway: the node JVM;
# Redis reported apart; nchan: nginx master + workers). Memory: RSS and PSS (smaps_rollup; PSS
# splits nginx's shared memory fairly between its processes).
#
# Parameters (environment; defaults in brackets):
#   BENCH_SUBSCRIBERS     [10000]   (one injector JVM: at most ~19000)
#   BENCH_RATE            events/s of the steady phase                                    [20]
#   BENCH_STEADY_SECONDS  [20]
#   BENCH_MAX_EVENTS      events of the max phase                                        [500]
#   BENCH_MAX_INFLIGHT    [8]
#   BENCH_WARMUP_EVENTS   unmeasured events published as fast as possible first (JIT warm-up)  [200]
#   BENCH_DATA_BYTES      [60]
#   BENCH_IDLE_SECONDS    idle hold before the memory sample                               [15]
#   BENCH_NGINX_WORKERS   nginx worker processes                                            [2]
#   BENCH_GATEWAY_JAVA_OPTS   JVM options of the gateway node                 [-Xms64m -Xmx512m]
#   BENCH_GATEWAY_ENV     extra gateway settings, e.g. "SSE_EVENT_LOOPS=2"                     []
#   BENCH_SERVERS         which servers, in order                                [gateway nchan]
#   BENCH_RESULTS_DIR     where <date>-vs-nchan-<N>.md/.json go                [loadtest/results]
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SUBS=${BENCH_SUBSCRIBERS:-10000}
RATE=${BENCH_RATE:-20}
STEADY=${BENCH_STEADY_SECONDS:-20}
MAXEV=${BENCH_MAX_EVENTS:-500}
INFLIGHT=${BENCH_MAX_INFLIGHT:-8}
DATA=${BENCH_DATA_BYTES:-60}
IDLE=${BENCH_IDLE_SECONDS:-15}
WORKERS=${BENCH_NGINX_WORKERS:-2}
SERVERS=${BENCH_SERVERS:-gateway nchan}
RESULTS=${BENCH_RESULTS_DIR:-$LT_DIR/results}
STAMP=$(date +%Y-%m-%d-%H%M)
WORK=$LT_DIR/target/runs/$STAMP-vs-nchan
COMMAND="loadtest/bench-vs-nchan.sh"
while IFS= read -r kv; do COMMAND="${kv%%=*}=$(printf '%q' "${kv#*=}") $COMMAND"; done < <(env | grep -E '^BENCH_[A-Z_]+=' | sort -r)
((SUBS < 19000)) || lt_die "BENCH_SUBSCRIBERS must stay under 19000 (one injector process, open-file limit 20000)"
mkdir -p "$WORK" "$RESULTS"
lt_build

SERVER_PIDS=()   # the processes whose CPU and memory count as "the server"
EXTRA_PIDS=()    # reported apart (the gateway's Redis)
NGINX_MASTER=""
CLUSTER_STARTED=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  lt_stop_all
  [[ -n "$NGINX_MASTER" ]] && lt_stop_pids "$NGINX_MASTER"
  ((CLUSTER_STARTED)) && "$REPO_ROOT/deploy/local/cluster-down.sh" >>"$WORK/cluster-down.log" 2>&1
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_gateway() {
  export SSE_LOCAL_RUN_DIR="$WORK/gateway" SSE_LOCAL_NODE_HOSTS="127.0.0.2" SSE_LOCAL_HTTP_BASE=19381 \
    SSE_LOCAL_CLUSTER_BASE=16951 SSE_LOCAL_LB_PORT=19380 SSE_LOCAL_LB_STATS_PORT=19379 SSE_LOCAL_REDIS_PORT=17579 \
    SSE_LOCAL_JAVA_OPTS="${BENCH_GATEWAY_JAVA_OPTS:--Xms64m -Xmx512m}" SSE_LOCAL_NODE_ENV="${BENCH_GATEWAY_ENV:-}" \
    SSE_LOCAL_JAR="$WORK/sse-gateway.jar" SSE_LOCAL_DRAIN_MS=1000
  cp "$REPO_ROOT/gateway/target/sse-gateway.jar" "$WORK/sse-gateway.jar"
  CLUSTER_STARTED=1
  "$REPO_ROOT/deploy/local/cluster-up.sh" 1 >"$WORK/cluster-up.out" 2>"$WORK/cluster-up.log" ||
    lt_die "cluster-up.sh failed: $(tail -n 3 "$WORK/cluster-up.log")"
  # shellcheck disable=SC1091
  source <(grep -E '^SSE_[A-Z_]+=' "$WORK/gateway/cluster.env")
  SERVER_PIDS=("$(cat "$WORK/gateway/pids/node-1.pid")")
  EXTRA_PIDS=("$(cat "$WORK/gateway/pids/redis.pid")")
  SUB_TARGET="${SSE_NODE_URLS%% *}"
  SUB_PATH='/events?topic={topic}'
  PUB_MODE=http
  PUB_URL="$SUB_TARGET"
  PUB_KEY="$SSE_PUBLISH_KEY"
}

stop_gateway() {
  "$REPO_ROOT/deploy/local/cluster-down.sh" >>"$WORK/cluster-down.log" 2>&1 || true
  CLUSTER_STARTED=0
}

start_nchan() {
  lt_apt_install nginx libnginx-mod-nchan || lt_die "could not install nginx + libnginx-mod-nchan (see $LT_DIR/target/apt.log)"
  local module dir="$WORK/nginx" port
  module=$(ls /usr/lib/nginx/modules/ngx_nchan_module.so 2>/dev/null || find / -name ngx_nchan_module.so -path '*nginx*' 2>/dev/null | head -n 1)
  [[ -n "$module" ]] || lt_die "ngx_nchan_module.so not found"
  port=$(free_port 127.0.0.1 19480)
  mkdir -p "$dir/logs" "$dir/tmp"
  chmod 777 "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
# Generated by loadtest/bench-vs-nchan.sh: Nchan on loopback, eventsource subscribers.
load_module $module;
worker_processes $WORKERS;
worker_rlimit_nofile 19500;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port backlog=4096;
    location ~ ^/sub/([^/]+)\$ {
      nchan_subscriber eventsource;
      nchan_channel_id \$1;
    }
    location ~ ^/pub/([^/]+)\$ {
      nchan_publisher;
      nchan_channel_id \$1;
      nchan_message_buffer_length 1000;
      nchan_message_timeout 1h;
    }
  }
}
CONF
  nginx -t -p "$dir" -c "$dir/nginx.conf" >"$dir/logs/check.log" 2>&1 || lt_die "nginx config rejected: $(cat "$dir/logs/check.log")"
  (ulimit -n "$(ulimit -Hn)" && exec nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;') >"$dir/logs/stdout.log" 2>&1 &
  NGINX_MASTER=$!
  local i
  for i in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  sleep 1
  mapfile -t workers < <(pgrep -P "$NGINX_MASTER")
  ((${#workers[@]} > 0)) || lt_die "nginx started no worker (see $dir/logs)"
  SERVER_PIDS=("$NGINX_MASTER" "${workers[@]}")
  EXTRA_PIDS=()
  SUB_TARGET="http://127.0.0.1:$port"
  SUB_PATH='/sub/{topic}'
  PUB_MODE=nchan
  PUB_URL="http://127.0.0.1:$port/pub/{topic}"
  PUB_KEY=""
  lt_log "nginx $(nginx -v 2>&1 | grep -o '[0-9.]*$') + nchan on $SUB_TARGET (master $NGINX_MASTER, workers ${workers[*]})"
}

stop_nchan() {
  lt_stop_pids "$NGINX_MASTER"
  NGINX_MASTER=""
}

declare -A R   # results: R[server.key]

# One phase: publish, wait for deliveries, CPU before/after, snapshot and merge.
phase() {
  local server=$1 name=$2 first=$3 count=$4 rate=$5
  local before cpu0 extra0 cpu1 extra1
  before=$(inj_sum delivered)
  cpu0=$(cpu_sum "${SERVER_PIDS[@]}"); extra0=$(cpu_sum "${EXTRA_PIDS[@]}")
  lt_log "$server: phase $name: $count events at ${rate}/s (0 = as fast as possible)"
  lt_publish "$WORK/$server/publish-$name.json" -Dmode="$PUB_MODE" -Durls="$PUB_URL" -DpublishKey="$PUB_KEY" \
    -DtopicPrefix=bench- -Dtopics=1 -Dcount="$count" -DfirstSeq="$first" -Drate="$rate" -DmaxInFlight="$INFLIGHT" \
    -DdataBytes="$DATA" -DdurationSeconds=600 >"$WORK/$server/publish-$name.log" 2>&1 || lt_log "publisher reported errors"
  lt_wait_delivered $((before + SUBS * count)) 300 || true
  cpu1=$(cpu_sum "${SERVER_PIDS[@]}"); extra1=$(cpu_sum "${EXTRA_PIDS[@]}")
  lt_snapshot "$name"
  local files=() d
  for d in "${INJ_DIRS[@]}"; do files+=("$d/result-$name.json"); done
  lt_java dev.ssegateway.loadtest.core.MergeMain --out "$WORK/$server/merged-$name.json" \
    --publish "$WORK/$server/publish-$name.json" "${files[@]}" >"$WORK/$server/merge-$name.log"
  R[$server.$name.cpu]=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.2f", b - a}')
  R[$server.$name.extracpu]=$(awk -v a="$extra0" -v b="$extra1" 'BEGIN {printf "%.2f", b - a}')
}

run_server() {
  local server=$1
  mkdir -p "$WORK/$server"
  "start_$server"
  sleep 3
  local base_rss base_pss
  [[ $server == gateway ]] && full_gc "${SERVER_PIDS[0]}" && sleep 1
  base_rss=$(sum_of rss_kb "${SERVER_PIDS[@]}"); base_pss=$(sum_of pss_kb "${SERVER_PIDS[@]}")
  INJ_PIDS=(); INJ_DIRS=()
  lt_start_injectors "$WORK/$server" "$SUBS" 1 "$SUB_TARGET" $((SUBS / 1000 > 10 ? SUBS / 1000 : 10)) \
    -Dpath="$SUB_PATH" -DtopicPrefix=bench- -Dtopics=1 -Dreconnect=true
  lt_wait_connected "$SUBS" 300 || lt_die "$server: not all $SUBS streams opened"
  local cpu_idle0 cpu_idle1
  cpu_idle0=$(cpu_sum "${SERVER_PIDS[@]}")
  sleep "$IDLE"
  cpu_idle1=$(cpu_sum "${SERVER_PIDS[@]}")
  R[$server.idlecpu]=$(awk -v a="$cpu_idle0" -v b="$cpu_idle1" -v s="$IDLE" 'BEGIN {printf "%.1f", (b - a) * 100 / s}')
  R[$server.rss]=$(sum_of rss_kb "${SERVER_PIDS[@]}"); R[$server.pss]=$(sum_of pss_kb "${SERVER_PIDS[@]}")
  R[$server.kib_rss]=$(awk -v a="$base_rss" -v b="${R[$server.rss]}" -v n="$SUBS" 'BEGIN {printf "%.2f", (b - a) / n}')
  R[$server.kib_pss]=$(awk -v a="$base_pss" -v b="${R[$server.pss]}" -v n="$SUBS" 'BEGIN {printf "%.2f", (b - a) / n}')
  if [[ $server == gateway ]]; then
    full_gc "${SERVER_PIDS[0]}"; sleep 1
    local gc_rss heap
    gc_rss=$(rss_kb "${SERVER_PIDS[0]}")
    read -r heap _ <<<"$(heap_kb "${SERVER_PIDS[0]}")"
    R[gateway.kib_rss_gc]=$(awk -v a="$base_rss" -v b="$gc_rss" -v n="$SUBS" 'BEGIN {printf "%.2f", (b - a) / n}')
    R[gateway.heap_mib]=$(awk -v h="$heap" 'BEGIN {printf "%.1f", h / 1024}')
  fi
  lt_snapshot connect
  local warm=${BENCH_WARMUP_EVENTS:-200}
  ((warm > 0)) && phase "$server" warmup 1 "$warm" 0
  phase "$server" steady $((warm + 1)) $((RATE * STEADY)) "$RATE"
  phase "$server" max $((warm + RATE * STEADY + 1)) "$MAXEV" 0
  lt_stop_injectors
  "stop_$server"
}

for s in $SERVERS; do run_server "$s"; done

# ---------------------------------------------------------------- report
lt_java dev.ssegateway.loadtest.report.BenchReport "$WORK" "$RESULTS/$(date +%Y-%m-%d)-vs-nchan-$SUBS" "$COMMAND" "$(machine_line)" \
  "subscribers=$SUBS" "rate=$RATE" "steadySeconds=$STEADY" "maxEvents=$MAXEV" "maxInFlight=$INFLIGHT" "dataBytes=$DATA" "warmupEvents=${BENCH_WARMUP_EVENTS:-200}" \
  "nginxWorkers=$WORKERS" "gatewayJavaOpts=${BENCH_GATEWAY_JAVA_OPTS:--Xms64m -Xmx512m}" "gatewayEnv=${BENCH_GATEWAY_ENV:-}" \
  $(for k in "${!R[@]}"; do printf '%s=%s ' "$k" "${R[$k]}"; done)
