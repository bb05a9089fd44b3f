#!/usr/bin/env bash
# Kills gateway node I of the local cluster by its recorded PID: kill -9 (a crash: its clients
# reconnect through the load balancer), or with --term a SIGTERM (a graceful drain, as Kubernetes
# does on a rollout; waits until the node has exited).
# Usage: deploy/local/kill-node.sh I [--term]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

i="${1:-}"
[[ "$i" =~ ^[1-9][0-9]*$ ]] || die "usage: kill-node.sh I [--term]"
component_alive "node-$i" || die "node $i is not running"
pid=$(recorded_pid "node-$i")
if [[ "${2:-}" == "--term" ]]; then
  kill -TERM "$pid"
  log "node $i (pid $pid): SIGTERM, draining"
  deadline=$((SECONDS + DRAIN_MS / 1000 + 60))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || die "node $i still runs $((DRAIN_MS / 1000 + 60))s after SIGTERM"
    sleep 0.2
  done
  log "node $i exited"
else
  kill -KILL "$pid"
  log "node $i (pid $pid): killed with SIGKILL"
fi
