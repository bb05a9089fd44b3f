#!/usr/bin/env bash
# Shows the local cluster: each process (alive or not), each node's readiness and connections,
# and what HAProxy thinks of each node. Exit code 0 when the load balancer answers /health/ready.
# Usage: deploy/local/status.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -f "$STATE_FILE" ]] || { echo "no local cluster (deploy/local/cluster-up.sh starts one)"; exit 1; }
# shellcheck disable=SC1090
source <(grep -E '^SSE_[A-Z_]+=' "$STATE_FILE")

printf '%-9s %-8s %-6s %-24s %-7s %s\n' COMPONENT PID ALIVE ADDRESS READY DETAIL
row() { printf '%-9s %-8s %-6s %-24s %-7s %s\n' "$@"; }
alive() { component_alive "$1" && echo yes || echo no; }

row redis "$(recorded_pid redis)" "$([[ -f $PID_DIR/redis.pid ]] && alive redis || echo ext)" "${SSE_REDIS_URL#redis://}" - -
csv=$(curl -s --max-time 2 "${SSE_LB_STATS_URL:-}" 2>/dev/null || true)
for ((i = 1; i <= ${SSE_LOCAL_STARTED_NODES:-0}; i++)); do
  addr="$(node_host "$i"):$(node_http_port "$i")"
  ready=$(http_status "$addr" /health/ready)
  lb=$(awk -F, -v s="node-$i" '$1=="gateways" && $2==s {print "lb:" $18 " streams:" $5}' <<<"$csv")
  row "node-$i" "$(recorded_pid "node-$i")" "$(alive "node-$i")" "$addr" "$ready" "${lb:-lb:?}"
done
lbready=$(http_status "${SSE_LB_URL#http://}" /health/ready)
row haproxy "$(recorded_pid haproxy)" "$(alive haproxy)" "${SSE_LB_URL#http://}" "$lbready" "stats: ${SSE_LB_STATS_URL:-}"
echo
echo "cluster (/stats through the load balancer):"
curl -s --max-time 3 -H "Authorization: Bearer ${SSE_ADMIN_KEY:-$SSE_PUBLISH_KEY}" "$SSE_LB_URL/stats" || echo "(no answer)"
echo
[[ "$lbready" == 200 ]]
