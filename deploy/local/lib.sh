# shellcheck shell=bash
# Shared by the local cluster scripts: settings (env knobs), paths and helpers. Sourced, not run.
#
# Knobs (environment variables, all optional):
#   SSE_LOCAL_NODES          gateway nodes to start (cluster-up.sh's first argument wins)   [3]
#   SSE_LOCAL_HTTP_BASE      HTTP port of node 1; node i gets base+i-1                      [18081]
#   SSE_LOCAL_CLUSTER_BASE   Hazelcast port of node 1; node i gets base+i-1                 [15701]
#   SSE_LOCAL_NODE_HOSTS     addresses nodes bind HTTP to, used in turn (e.g. "127.0.0.2 127.0.0.3")
#                                                                                             [127.0.0.1]
#   SSE_LOCAL_LB_HOST        address HAProxy listens on                                      [127.0.0.1]
#   SSE_LOCAL_LB_PORT        port HAProxy listens on                                         [18080]
#   SSE_LOCAL_LB_STATS_PORT  HAProxy stats page (CSV at /;csv), on 127.0.0.1                  [18079]
#   SSE_LOCAL_LB_MAXCONN     HAProxy maxconn (each proxied stream uses two file descriptors,
#                            and a process may hold at most `ulimit -Hn`)                    [9000]
#   SSE_LOCAL_LB_BALANCE     HAProxy balance algorithm: leastconn or roundrobin              [leastconn]
#   SSE_LOCAL_REDIS_PORT     port of the Redis the scripts start (the next free one from it) [16379]
#   SSE_LOCAL_REDIS_URL      use this Redis instead of starting one (e.g. a local cluster)
#   SSE_LOCAL_REDIS_MODE     SSE_REDIS_MODE for the nodes                                    [standalone]
#   SSE_LOCAL_REDIS_BIN      redis-server binary to use (else PATH, apt-get, embedded-redis)
#   SSE_LOCAL_JAVA_OPTS      JVM options of each node                                        [-Xmx512m]
#   SSE_LOCAL_NODE_ENV       extra environment for every node, e.g. "SSE_HISTORY_SIZE=5000 SSE_DRAIN_MS=2000"
#   SSE_LOCAL_DRAIN_MS       SSE_DRAIN_MS of the nodes (short, so cluster-down.sh is quick) [3000]
#   SSE_LOCAL_JAR            gateway jar                       [gateway/target/sse-gateway.jar]
#   SSE_LOCAL_RUN_DIR        where PIDs, logs and config go                      [deploy/local/run]
#   SSE_LOCAL_START_TIMEOUT  seconds to wait for the nodes to be ready                       [120]
#   SSE_LOCAL_NO_INSTALL     1: never apt-get install missing packages (fail instead)

set -euo pipefail

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
RUN_DIR="${SSE_LOCAL_RUN_DIR:-$LOCAL_DIR/run}"
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
STATE_FILE="$RUN_DIR/cluster.env"
KNOBS_FILE="$RUN_DIR/knobs.env"

# The other scripts act on the cluster as it was started: cluster-up.sh saves its knobs.
if [[ "$(basename "$0")" != cluster-up.sh && -f "$KNOBS_FILE" ]]; then
  # shellcheck disable=SC1090
  source "$KNOBS_FILE"
fi

HTTP_BASE="${SSE_LOCAL_HTTP_BASE:-18081}"
CLUSTER_BASE="${SSE_LOCAL_CLUSTER_BASE:-15701}"
NODE_HOSTS="${SSE_LOCAL_NODE_HOSTS:-127.0.0.1}"
LB_HOST="${SSE_LOCAL_LB_HOST:-127.0.0.1}"
LB_PORT="${SSE_LOCAL_LB_PORT:-18080}"
LB_STATS_PORT="${SSE_LOCAL_LB_STATS_PORT:-18079}"
LB_MAXCONN="${SSE_LOCAL_LB_MAXCONN:-9000}"
LB_BALANCE="${SSE_LOCAL_LB_BALANCE:-leastconn}"
REDIS_PORT_BASE="${SSE_LOCAL_REDIS_PORT:-16379}"
REDIS_MODE="${SSE_LOCAL_REDIS_MODE:-standalone}"
JAVA_OPTS_NODE="${SSE_LOCAL_JAVA_OPTS:--Xmx512m}"
DRAIN_MS="${SSE_LOCAL_DRAIN_MS:-3000}"
JAR="${SSE_LOCAL_JAR:-$REPO_ROOT/gateway/target/sse-gateway.jar}"
START_TIMEOUT="${SSE_LOCAL_START_TIMEOUT:-120}"

log() { printf '[sse-local] %s\n' "$*" >&2; }
die() { printf '[sse-local] error: %s\n' "$*" >&2; exit 1; }

# The address node i binds HTTP to: SSE_LOCAL_NODE_HOSTS used in turn.
node_host() {
  local i=$1 hosts
  read -r -a hosts <<<"$NODE_HOSTS"
  printf '%s' "${hosts[$(((i - 1) % ${#hosts[@]}))]}"
}
node_http_port() { printf '%s' $((HTTP_BASE + $1 - 1)); }
node_cluster_port() { printf '%s' $((CLUSTER_BASE + $1 - 1)); }

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# First port from $2 on that nobody listens on, at host $1.
free_port() {
  local host=$1 port=$2
  while port_open "$host" "$port"; do port=$((port + 1)); done
  printf '%s' "$port"
}

# PID recorded for a component (node-1, redis, haproxy), or empty.
recorded_pid() { [[ -f "$PID_DIR/$1.pid" ]] && cat "$PID_DIR/$1.pid" || true; }

# True when the recorded PID of a component is alive and still runs the program it was started as
# (its command line matches the recorded extended regex: guards against a PID reused by an
# unrelated process after a crash).
component_alive() {
  local name=$1 pid expect
  pid=$(recorded_pid "$name")
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  expect=$(cat "$PID_DIR/$name.cmd" 2>/dev/null || true)
  [[ -z "$expect" ]] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE -- "$expect"
}

# Saves the knobs in force, for the scripts that act on the running cluster later.
save_knobs() {
  local v name
  : >"$KNOBS_FILE"
  for v in SSE_LOCAL_HTTP_BASE:HTTP_BASE SSE_LOCAL_CLUSTER_BASE:CLUSTER_BASE SSE_LOCAL_NODE_HOSTS:NODE_HOSTS \
    SSE_LOCAL_LB_HOST:LB_HOST SSE_LOCAL_LB_PORT:LB_PORT SSE_LOCAL_LB_STATS_PORT:LB_STATS_PORT \
    SSE_LOCAL_JAVA_OPTS:JAVA_OPTS_NODE SSE_LOCAL_DRAIN_MS:DRAIN_MS SSE_LOCAL_JAR:JAR \
    SSE_LOCAL_START_TIMEOUT:START_TIMEOUT; do
    name=${v#*:}
    printf '%s=%q\n' "${v%%:*}" "${!name}" >>"$KNOBS_FILE"
  done
  printf 'SSE_LOCAL_NODE_ENV=%q\n' "${SSE_LOCAL_NODE_ENV:-}" >>"$KNOBS_FILE"
}

# HTTP status of a GET (000 when nothing answers).
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time "${3:-2}" "http://$1$2" 2>/dev/null || true
}

# HAProxy's own view of the nodes, from its stats CSV (columns found by their header names):
# "node-1:UP/L7OK node-2:DOWN/L7STS ...". Empty when HAProxy does not answer.
lb_view() {
  curl -s --max-time 2 "http://127.0.0.1:$LB_STATS_PORT/;csv" 2>/dev/null | awk -F, '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == "gateways" && $2 ~ /^node-/ { printf "%s%s:%s/%s", sep, $2, $col["status"], $col["check_status"]; sep = " " }'
}

# Installs Debian packages when a command is missing (as root, unless SSE_LOCAL_NO_INSTALL=1).
# Debian would start the packaged service where an init system runs; a policy-rc.d for the
# duration of the install keeps it from doing so, so only the scripts' own processes run.
ensure_command() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [[ "${SSE_LOCAL_NO_INSTALL:-0}" != 1 ]] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n" || return 1
  fi
  log "installing $pkg (apt-get) for $cmd"
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
  fi
  local rc=0
  {
    # Lists older than a day, or none: update first (a fresh machine has none).
    if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]]; then
      $sudo apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$pkg"
  } >>"$LOG_DIR/apt.log" 2>&1 || rc=$?
  [[ $created == 1 ]] && $sudo rm -f "$policy"
  [[ $rc == 0 ]] && command -v "$cmd" >/dev/null 2>&1
}

# The JVM flags Hazelcast asks for, from the root pom (one list for tests, scripts and the image).
hazelcast_flags() {
  sed -n 's:.*<hazelcast.jvm.flags>\(.*\)</hazelcast.jvm.flags>.*:\1:p' "$REPO_ROOT/pom.xml"
}

# Builds the gateway jar when it is missing (clean clone).
ensure_jar() {
  [[ -f "$JAR" ]] && return 0
  log "building $JAR (first run from a clean clone: a few minutes)"
  local mvn=mvn
  [[ -x "$REPO_ROOT/mvnw" ]] && mvn="$REPO_ROOT/mvnw"
  (cd "$REPO_ROOT" && "$mvn" -q -B -pl gateway -am package -DskipTests) >"$LOG_DIR/build.log" 2>&1 ||
    die "gateway build failed, see $LOG_DIR/build.log"
  [[ -f "$JAR" ]] || die "the build made no $JAR"
}
