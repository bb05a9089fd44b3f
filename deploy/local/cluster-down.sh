#!/usr/bin/env bash
# Stops everything cluster-up.sh started, by the PIDs it recorded, and nothing else:
# the load balancer first, then the nodes (SIGTERM: they drain over SSE_LOCAL_DRAIN_MS), then Redis.
# Usage: deploy/local/cluster-down.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -d "$PID_DIR" ]] || { log "nothing to stop"; exit 0; }

stop_all() {
  local names=("$@") name pid alive=()
  for name in "${names[@]}"; do
    if component_alive "$name"; then
      pid=$(recorded_pid "$name")
      kill -TERM "$pid" 2>/dev/null || true
      alive+=("$name:$pid")
    fi
  done
  local deadline=$((SECONDS + DRAIN_MS / 1000 + 30)) entry
  for entry in "${alive[@]}"; do
    pid=${entry#*:}
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "${entry%%:*} (pid $pid) did not stop: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped ${entry%%:*} (pid $pid)"
  done
  for name in "${names[@]}"; do rm -f "$PID_DIR/$name.pid" "$PID_DIR/$name.cmd"; done
}

nodes=()
for f in "$PID_DIR"/node-*.pid; do [[ -e "$f" ]] && nodes+=("$(basename "$f" .pid)"); done
stop_all haproxy
((${#nodes[@]} == 0)) || stop_all "${nodes[@]}"
stop_all redis
rm -f "$STATE_FILE"
log "local cluster stopped (logs kept in $LOG_DIR)"
