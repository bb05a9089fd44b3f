#!/usr/bin/env bash
# Starts (or restarts, after kill-node.sh) gateway node I of the local cluster started by
# cluster-up.sh, with the same settings, and waits until it is ready.
# Usage: deploy/local/start-node.sh I [--no-wait]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

i="${1:-}"
[[ "$i" =~ ^[1-9][0-9]*$ ]] || die "usage: start-node.sh I [--no-wait]"
[[ -f "$STATE_FILE" ]] || die "no local cluster: run deploy/local/cluster-up.sh first"
component_alive "node-$i" && die "node $i is already running (pid $(recorded_pid "node-$i"))"
# shellcheck disable=SC1090
source <(grep -E '^SSE_[A-Z_]+=' "$STATE_FILE")
ensure_jar
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

host=$(node_host "$i")
http=$(node_http_port "$i")
cport=$(node_cluster_port "$i")
extra=()
# shellcheck disable=SC2206
[[ -n "${SSE_LOCAL_NODE_ENV:-}" ]] && extra=(${SSE_LOCAL_NODE_ENV})
read -r -a jvm <<<"$(hazelcast_flags) $JAVA_OPTS_NODE"

mkdir -p "$PID_DIR" "$LOG_DIR"
# Every client arrives through the local HAProxy, from one address: no per-address stream limit.
# setsid: the node outlives this shell and a Ctrl-C in it; it is stopped by its recorded PID.
env SSE_NODE_ID="node-$i" \
  SSE_HTTP_HOST="$host" SSE_HTTP_PORT="$http" \
  SSE_CLUSTER_PORT="$cport" SSE_CLUSTER_MEMBERS="$SSE_CLUSTER_MEMBERS" SSE_CLUSTER_NAME="$SSE_CLUSTER_NAME" \
  SSE_REDIS_URL="$SSE_REDIS_URL" SSE_REDIS_MODE="$SSE_REDIS_MODE" \
  SSE_PUBLISH_KEY="$SSE_PUBLISH_KEY" SSE_DRAIN_MS="$DRAIN_MS" SSE_LOG_FORMAT="${SSE_LOG_FORMAT:-text}" \
  SSE_MAX_CONNECTIONS_PER_ADDRESS=0 \
  "${extra[@]}" \
  setsid java "${jvm[@]}" -Dsse.local.node="node-$i" -jar "$JAR" >>"$LOG_DIR/node-$i.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_DIR/node-$i.pid"
echo "-Dsse.local.node=node-$i " >"$PID_DIR/node-$i.cmd"
log "node $i: pid $pid, http://$host:$http, Hazelcast 127.0.0.1:$cport, log $LOG_DIR/node-$i.log"

if [[ "${2:-}" != "--no-wait" ]]; then
  deadline=$((SECONDS + START_TIMEOUT))
  until [[ "$(http_status "$host:$http" /health/ready)" == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || die "node $i exited while starting, see $LOG_DIR/node-$i.log"
    ((SECONDS < deadline)) || die "node $i not ready after ${START_TIMEOUT}s, see $LOG_DIR/node-$i.log"
    sleep 0.5
  done
  log "node $i ready"
fi
