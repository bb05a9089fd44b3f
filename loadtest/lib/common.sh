# shellcheck shell=bash
# Shared by the load-test scripts (sourced, not run): paths, build, Java launch, /proc and jcmd samples,
# and PID bookkeeping. Every process a script starts is recorded with lt_track and stopped by lt_stop_all,
# by PID, and nothing else.

set -euo pipefail

LT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$LT_DIR/.." && pwd)"
CLK_TCK=$(getconf CLK_TCK)

lt_log() { printf '[loadtest %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lt_die() { printf '[loadtest] error: %s\n' "$*" >&2; exit 1; }
now_micros() { date +%s%6N; }

# Builds what the scripts run when it is missing (or LT_REBUILD=1): the gateway jar, the publisher,
# and this module's classes plus the class path file the injectors start with.
lt_build() {
  local need=0
  [[ -f "$REPO_ROOT/gateway/target/sse-gateway.jar" ]] || need=1
  [[ -f "$LT_DIR/target/loadtest.classpath" && -d "$LT_DIR/target/classes/dev" && -d "$LT_DIR/target/test-classes/dev" ]] || need=1
  [[ "${LT_REBUILD:-0}" == 1 ]] && need=1
  ((need)) || return 0
  lt_log "building gateway, publisher and loadtest (./mvnw package -DskipTests; a few minutes from a clean clone)"
  mkdir -p "$LT_DIR/target"
  (cd "$REPO_ROOT" && ./mvnw -q -B -pl publisher,gateway,loadtest -am package -DskipTests) >"$LT_DIR/target/build.log" 2>&1 ||
    lt_die "build failed, see $LT_DIR/target/build.log"
}

lt_classpath() {
  printf '%s:%s:%s' "$LT_DIR/target/classes" "$LT_DIR/target/test-classes" "$(cat "$LT_DIR/target/loadtest.classpath")"
}

# ---------------------------------------------------------------- processes we start
LT_PIDS=()
lt_track() { LT_PIDS+=("$1"); }

# Stops the given PIDs (SIGTERM, then SIGKILL after a grace period), each only if still alive.
lt_stop_pids() {
  local grace=${LT_STOP_GRACE:-15} pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + grace))
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { lt_log "pid $pid did not stop: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
  done
  return 0
}

lt_stop_all() {
  ((${#LT_PIDS[@]} == 0)) || lt_stop_pids "${LT_PIDS[@]}"
  LT_PIDS=()
}

# ---------------------------------------------------------------- /proc and jcmd samples
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# utime+stime of a process (and its reaped children), in CPU-seconds.
cpu_s() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  # Fields after the command name (which is in parentheses and may hold spaces).
  stat=${stat##*) }
  awk -v t="$CLK_TCK" '{printf "%.2f", ($12 + $13 + $14 + $15) / t}' <<<"$stat"
}

# Sum of cpu_s over several PIDs.
cpu_sum() {
  local total=0 pid
  for pid in "$@"; do total=$(awk -v a="$total" -v b="$(cpu_s "$pid")" 'BEGIN {printf "%.2f", a + b}'); done
  echo "$total"
}

# "used_kb committed_kb" of the Java heap (jcmd GC.heap_info: every "total NK, used MK" line).
heap_kb() {
  local text
  text=$(jcmd "$1" GC.heap_info 2>/dev/null || true)
  awk '
    /total [0-9]+K, used [0-9]+K/ {
      for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i+1) + 0; if ($i == "used") u += $(i+1) + 0 }
    }
    END { printf "%d %d", u, t }' <<<"$text"
}

full_gc() { jcmd "$1" GC.run >/dev/null 2>&1 || true; }

# /stats and /metrics need the admin key, or the publish key while SSE_ADMIN_KEY is unset.
operator_auth() { echo "Authorization: Bearer ${SSE_ADMIN_KEY:-${SSE_PUBLISH_KEY:-}}"; }

# A Prometheus gauge's value from a node's /metrics (first series; 0 when absent).
metric() {
  local text
  text=$(curl -s --max-time 5 -H "$(operator_auth)" "$1/metrics" 2>/dev/null || true)
  awk -v m="$2" '!found && ($1 == m || index($1, m "{") == 1) {print int($2); found=1} END {if (!found) print 0}' <<<"$text"
}

stats_connections() {
  local text
  text=$(curl -s --max-time 5 -H "$(operator_auth)" "$1/stats" 2>/dev/null || true)
  grep -o '"connections":[0-9]*' <<<"$text" | head -n 1 | cut -d: -f2 || true
}

# Sum of a numeric field over injector status files.
status_sum() {
  local field=$1 total=0 f v
  shift
  for f in "$@"; do
    v=$(grep -o "\"$field\" *: *[0-9]*" "$f" 2>/dev/null | grep -o '[0-9]*$' || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

machine_line() {
  printf '%s cores, %s GiB RAM, %s, %s, fd limit %s' "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%d", $2/1048576}' /proc/meminfo)" "$(uname -sr)" \
    "$(java -version 2>&1 | head -n 1 | tr -d '"')" "$(ulimit -Hn)"
}

# ---------------------------------------------------------------- injectors (SseInjector JVMs)
INJ_PIDS=()
INJ_DIRS=()

# lt_start_injectors WORK_DIR CONNECTIONS INJECTORS TARGETS RAMP_SECONDS [-Dprop=value...]
# Spreads CONNECTIONS over INJECTORS processes; injector j uses source addresses 127.0.1.j and
# 127.0.2.j (28k ephemeral ports each), and streams go to the TARGETS (comma list) in turn.
lt_start_injectors() {
  local work=$1 total=$2 count=$3 targets=$4 ramp=$5
  shift 5
  local cp base rest offset=0 j n
  cp=$(lt_classpath)
  base=$((total / count)); rest=$((total % count))
  for ((j = 1; j <= count; j++)); do
    n=$base; ((j <= rest)) && n=$((n + 1))
    local dir="$work/inj-$j"
    mkdir -p "$dir/ctl"
    # shellcheck disable=SC2086
    (ulimit -n "$(ulimit -Hn)" && exec setsid java ${LT_INJECTOR_JAVA_OPTS:--Xms256m -Xmx1g} -cp "$cp" \
      -Dinjector="inj-$j" -Dtargets="$targets" -Dsources="127.0.1.$j,127.0.2.$j" \
      -Dconnections="$n" -Doffset="$offset" -DrampSeconds="$ramp" -Ddir="$dir" \
      -DmaxSeconds="${LT_INJECTOR_MAX_SECONDS:-3600}" "$@" \
      dev.ssegateway.loadtest.injector.SseInjector) >"$dir/injector.log" 2>&1 </dev/null &
    INJ_PIDS+=("$!"); INJ_DIRS+=("$dir"); lt_track "$!"
    offset=$((offset + n))
  done
  lt_log "started $count injector(s) for $total streams (pids ${INJ_PIDS[*]})"
}

inj_status_files() { local d; for d in "${INJ_DIRS[@]}"; do printf '%s\n' "$d/status.json"; done; }
inj_sum() { local files; mapfile -t files < <(inj_status_files); status_sum "$1" "${files[@]}"; }

# Asks every injector for a snapshot NAME and waits (up to 120 s) for its result-NAME.json.
lt_snapshot() {
  local name=$1 d deadline=$((SECONDS + 120))
  for d in "${INJ_DIRS[@]}"; do rm -f "$d/result-$name.json"; : >"$d/ctl/snapshot-$name"; done
  for d in "${INJ_DIRS[@]}"; do
    until [[ -f "$d/result-$name.json" ]]; do
      ((SECONDS < deadline)) || lt_die "injector $d wrote no snapshot $name (see $d/injector.log)"
      sleep 0.2
    done
  done
}

# Stops the injectors (they write result-final.json first) and waits for them to exit.
lt_stop_injectors() {
  local d pid deadline=$((SECONDS + 90))
  for d in "${INJ_DIRS[@]}"; do [[ -d "$d/ctl" ]] && : >"$d/ctl/stop"; done
  for pid in "${INJ_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  done
  lt_stop_pids "${INJ_PIDS[@]}"
}

# Waits until the injectors hold WANT open streams (and, with a stats URL, /stats agrees), at most
# TIMEOUT seconds. Prints progress every 5 s.
lt_wait_connected() {
  local want=$1 timeout=$2 stats_url=${3:-} deadline=$((SECONDS + $2)) next=0 c s pid
  while :; do
    c=$(inj_sum connected)
    s=""
    [[ -n "$stats_url" ]] && s=$(stats_connections "$stats_url")
    if ((c >= want)) && { [[ -z "$stats_url" ]] || ((${s:-0} >= want)); }; then
      lt_log "all $want streams open (injectors: $c${stats_url:+, /stats: $s})"
      return 0
    fi
    for pid in "${INJ_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || lt_die "injector pid $pid exited (see its injector.log)"; done
    if ((SECONDS >= next)); then
      lt_log "open streams: injectors $c/$want${stats_url:+, /stats ${s:-?}}, connect failures $(inj_sum connectFailures)"
      next=$((SECONDS + 5))
    fi
    ((SECONDS < deadline)) || { lt_log "only $c of $want streams open after ${timeout}s"; return 1; }
    sleep 1
  done
}

# Waits until the injectors together have delivered WANT events (status "delivered"), at most TIMEOUT s.
lt_wait_delivered() {
  local want=$1 timeout=$2 deadline=$((SECONDS + $2)) d last=-1 stable=0
  while :; do
    d=$(inj_sum delivered)
    ((d >= want)) && { lt_log "delivered $d of $want"; return 0; }
    ((SECONDS < deadline)) || { lt_log "delivered only $d of $want after ${timeout}s"; return 1; }
    # Nothing new for 15 s after the publisher finished: stop waiting.
    if ((d == last)); then stable=$((stable + 1)); else stable=0; last=$d; fi
    ((stable < 15)) || { lt_log "delivered $d of $want; no progress for 15 s"; return 1; }
    sleep 1
  done
}

# lt_publish OUT_JSON [-Dprop=value...]: runs the LoadPublisher in the foreground.
lt_publish() {
  local out=$1
  shift
  # shellcheck disable=SC2086
  java ${LT_PUBLISHER_JAVA_OPTS:--Xmx256m} -cp "$(lt_classpath)" -Dout="$out" "$@" \
    dev.ssegateway.loadtest.publish.LoadPublisher
}

lt_java() {
  local main=$1
  shift
  java -Xmx512m -cp "$(lt_classpath)" "$main" "$@"
}

# Proportional set size of a process in kB (shared pages split between sharers: fair for nginx's
# master + workers sharing memory); falls back to RSS.
pss_kb() {
  awk '/^Pss:/ {print $2; found=1} END {if (!found) print 0}' "/proc/$1/smaps_rollup" 2>/dev/null || rss_kb "$1"
}
sum_of() { local f=$1 total=0 pid; shift; for pid in "$@"; do total=$((total + $($f "$pid"))); done; echo "$total"; }

# Installs Debian packages when missing (root or sudo -n); a policy-rc.d keeps Debian from starting
# the packaged service, so only the processes the scripts start run.
lt_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo -n"
  lt_log "installing ${missing[*]} (apt-get)"
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
  fi
  {
    if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]]; then
      $sudo apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >>"$LT_DIR/target/apt.log" 2>&1 || rc=$?
  [[ $created == 1 ]] && $sudo rm -f "$policy"
  return $rc
}

free_port() {
  local host=$1 port=$2
  while (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
