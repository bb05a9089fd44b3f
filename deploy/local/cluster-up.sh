#!/usr/bin/env bash
# Starts a production-like sse-gateway cluster on this machine:
#   one Redis, N gateway nodes forming one Hazelcast cluster (TCP-IP join on loopback), and HAProxy
#   in front of them, health-checking GET /health/ready, with timeouts long enough for SSE.
# Every process it starts is recorded under deploy/local/run/pids/ and stopped by cluster-down.sh.
#
# Usage: deploy/local/cluster-up.sh [N]        (knobs: see lib.sh, e.g. SSE_LOCAL_NODE_HOSTS)
# Prints the load balancer URL on stdout; writes deploy/local/run/cluster.env for other scripts
# (source it: SSE_LB_URL, SSE_NODE_URLS, SSE_PUBLISH_KEY, SSE_REDIS_URL, ...).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES="${1:-${SSE_LOCAL_NODES:-3}}"
[[ "$NODES" =~ ^[1-9][0-9]*$ ]] || die "node count must be a positive number, not '$NODES'"

mkdir -p "$PID_DIR" "$LOG_DIR"
for f in "$PID_DIR"/*.pid; do
  [[ -e "$f" ]] || continue
  name=$(basename "$f" .pid)
  if component_alive "$name"; then
    die "a local cluster is already running ($name, pid $(cat "$f")): run deploy/local/cluster-down.sh first"
  fi
  rm -f "$f" "$PID_DIR/$name.cmd"
done

save_knobs
command -v java >/dev/null 2>&1 || die "java (17 or newer) is not on PATH"
command -v curl >/dev/null 2>&1 || ensure_command curl curl || die "curl is missing"
ensure_jar

# Each node may hold many streams: take the whole file-descriptor allowance.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Records a started process: its PID and a fragment of its command line that identifies it.
record() { echo "$2" >"$PID_DIR/$1.pid"; echo "$3" >"$PID_DIR/$1.cmd"; }

# Checks that every fixed port is free before starting anything.
for ((i = 1; i <= NODES; i++)); do
  port_open "$(node_host "$i")" "$(node_http_port "$i")" && die "port $(node_host "$i"):$(node_http_port "$i") (node $i HTTP) is taken: set SSE_LOCAL_HTTP_BASE"
  port_open 127.0.0.1 "$(node_cluster_port "$i")" && die "port $(node_cluster_port "$i") (node $i Hazelcast) is taken: set SSE_LOCAL_CLUSTER_BASE"
done
port_open "$LB_HOST" "$LB_PORT" && die "port $LB_HOST:$LB_PORT (load balancer) is taken: set SSE_LOCAL_LB_PORT"
port_open 127.0.0.1 "$LB_STATS_PORT" && die "port $LB_STATS_PORT (HAProxy stats) is taken: set SSE_LOCAL_LB_STATS_PORT"

# ---------------------------------------------------------------- Redis
start_redis() {
  local bin="${SSE_LOCAL_REDIS_BIN:-}"
  if [[ -z "$bin" ]]; then
    if command -v redis-server >/dev/null 2>&1 || ensure_command redis-server redis-server; then
      bin=$(command -v redis-server)
    else
      # Last resort: the Redis 7 binary bundled in the embedded-redis jar the tests use.
      local jar
      jar=$(ls ~/.m2/repository/org/signal/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | grep -v sources | tail -n 1 || true)
      if [[ -z "$jar" ]] && command -v mvn >/dev/null 2>&1; then
        mvn -q dependency:get -Dartifact=org.signal:embedded-redis:0.9.1 >>"$LOG_DIR/build.log" 2>&1 || true
        jar=$(ls ~/.m2/repository/org/signal/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | tail -n 1 || true)
      fi
      [[ -n "$jar" ]] || die "no redis-server: install Debian's redis-server or set SSE_LOCAL_REDIS_BIN"
      local arch entry
      case "$(uname -m)" in x86_64) arch=linux-amd64 ;; aarch64) arch=linux-arm64 ;; *) die "no embedded Redis for $(uname -m)" ;; esac
      entry=$(unzip -Z1 "$jar" | grep -E "^redis-server-.*-$arch\$" | head -n 1)
      mkdir -p "$RUN_DIR/bin"
      unzip -p "$jar" "$entry" >"$RUN_DIR/bin/redis-server" && chmod +x "$RUN_DIR/bin/redis-server"
      bin="$RUN_DIR/bin/redis-server"
    fi
  fi
  local port
  port=$(free_port 127.0.0.1 "$REDIS_PORT_BASE")
  mkdir -p "$RUN_DIR/redis"
  "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --dir "$RUN_DIR/redis" --maxclients 10000 >"$LOG_DIR/redis.log" 2>&1 &
  record redis $! "(--port $port|:$port)( |$)"
  for _ in $(seq 1 50); do port_open 127.0.0.1 "$port" && break; sleep 0.1; done
  port_open 127.0.0.1 "$port" || die "Redis did not start, see $LOG_DIR/redis.log"
  REDIS_URL="redis://127.0.0.1:$port"
  log "Redis $("$bin" --version | grep -o 'v=[0-9.]*') on $REDIS_URL (pid $(recorded_pid redis))"
}

if [[ -n "${SSE_LOCAL_REDIS_URL:-}" ]]; then
  REDIS_URL="$SSE_LOCAL_REDIS_URL"
  log "using the Redis at $REDIS_URL"
else
  start_redis
fi

# ---------------------------------------------------------------- gateway nodes
PUBLISH_KEY_FILE="$RUN_DIR/publish-key"
[[ -s "$PUBLISH_KEY_FILE" ]] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PUBLISH_KEY_FILE"
PUBLISH_KEY=$(cat "$PUBLISH_KEY_FILE")

MEMBERS=""
for ((i = 1; i <= NODES; i++)); do MEMBERS+="${MEMBERS:+,}127.0.0.1:$(node_cluster_port "$i")"; done
CLUSTER_NAME="sse-local-$LB_PORT"
NODE_URLS=""

# KEY="value" lines: `source` them in bash, or split at the first '=' and strip the quotes.
state() { printf '%s="%s"\n' "$1" "$2" >>"$STATE_FILE"; }
echo "# Written by cluster-up.sh; read by start-node.sh, status.sh and the load tests." >"$STATE_FILE"
state SSE_LOCAL_STARTED_NODES "$NODES"
state SSE_REDIS_URL "$REDIS_URL"
state SSE_REDIS_MODE "$REDIS_MODE"
state SSE_CLUSTER_MEMBERS "$MEMBERS"
state SSE_CLUSTER_NAME "$CLUSTER_NAME"
state SSE_PUBLISH_KEY "$PUBLISH_KEY"

for ((i = 1; i <= NODES; i++)); do
  "$LOCAL_DIR/start-node.sh" "$i" --no-wait
  NODE_URLS+="${NODE_URLS:+ }http://$(node_host "$i"):$(node_http_port "$i")"
done

# ---------------------------------------------------------------- HAProxy
ensure_command haproxy haproxy || die "haproxy is missing and could not be installed (apt-get install haproxy)"
HAPROXY_CFG="$RUN_DIR/haproxy.cfg"
{
  cat <<CFG
# Generated by deploy/local/cluster-up.sh. Settings an SSE load balancer needs:
# - health checks on /health/ready: a draining or broker-less node leaves the pool at once;
# - long client/server/tunnel timeouts: an idle stream only carries heartbeats
#   (SSE_HEARTBEAT_MS), and a short timeout would cut every stream at once;
# - no on-marked-down shutdown-sessions: a node that turns unready drains its own streams in
#   paced waves; the load balancer must not cut them all at once.
global
    maxconn $LB_MAXCONN
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option redispatch
    retries 2
    timeout connect 2s
    timeout http-request 10s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout client-fin 10s
    timeout server-fin 10s

frontend sse
    bind $LB_HOST:$LB_PORT
    maxconn $LB_MAXCONN
    default_backend gateways

backend gateways
    balance $LB_BALANCE
    option httpchk
    http-check send meth GET uri /health/ready
    http-check expect status 200
    default-server check inter 1s fastinter 500ms downinter 1s fall 2 rise 2 maxconn $LB_MAXCONN
CFG
  for ((i = 1; i <= NODES; i++)); do
    echo "    server node-$i $(node_host "$i"):$(node_http_port "$i")"
  done
  cat <<CFG

listen stats
    bind 127.0.0.1:$LB_STATS_PORT
    stats enable
    stats uri /
    stats refresh 5s
CFG
} >"$HAPROXY_CFG"
haproxy -c -q -f "$HAPROXY_CFG" >"$LOG_DIR/haproxy-check.log" 2>&1 || die "invalid HAProxy config: $(cat "$LOG_DIR/haproxy-check.log")"
haproxy -db -f "$HAPROXY_CFG" >"$LOG_DIR/haproxy.log" 2>&1 &
record haproxy $! "haproxy .*-f $HAPROXY_CFG"

LB_URL="http://$LB_HOST:$LB_PORT"
state SSE_LB_URL "$LB_URL"
state SSE_LB_STATS_URL "http://127.0.0.1:$LB_STATS_PORT/;csv"
state SSE_NODE_URLS "$NODE_URLS"

# ---------------------------------------------------------------- wait until ready
deadline=$((SECONDS + START_TIMEOUT))
for ((i = 1; i <= NODES; i++)); do
  addr="$(node_host "$i"):$(node_http_port "$i")"
  until [[ "$(http_status "$addr" /health/ready)" == 200 ]]; do
    component_alive "node-$i" || die "node $i exited while starting, see $LOG_DIR/node-$i.log"
    ((SECONDS < deadline)) || die "node $i not ready after ${START_TIMEOUT}s, see $LOG_DIR/node-$i.log"
    sleep 0.5
  done
done
until [[ "$(http_status "$LB_HOST:$LB_PORT" /health/ready)" == 200 ]]; do
  component_alive haproxy || die "HAProxy exited, see $LOG_DIR/haproxy.log"
  ((SECONDS < deadline)) || die "the load balancer does not answer /health/ready, see $LOG_DIR/haproxy.log"
  sleep 0.5
done
# HAProxy's own view: every node UP with its last check passed. A node that was not ready yet at
# HAProxy's first checks stays DOWN until `rise` checks pass, although it answers /health/ready
# itself and the load balancer already answers through another node.
want=""
for ((i = 1; i <= NODES; i++)); do want+="${want:+ }node-$i:UP/L7OK"; done
until [[ "$(lb_view)" == "$want" ]]; do
  component_alive haproxy || die "HAProxy exited, see $LOG_DIR/haproxy.log"
  ((SECONDS < deadline)) || die "HAProxy does not see every node UP: $(lb_view) (stats: http://127.0.0.1:$LB_STATS_PORT/)"
  sleep 0.5
done
log "$NODES node(s) ready, and UP in HAProxy's own health checks ($(lb_view)); publish key in $PUBLISH_KEY_FILE; state in $STATE_FILE"
log "try: curl -N '$LB_URL/events?topic=demo'"
log "     curl -H \"Authorization: Bearer $PUBLISH_KEY\" -d '{\"topic\":\"demo\",\"data\":\"hi\"}' $LB_URL/publish"
echo "$LB_URL"
