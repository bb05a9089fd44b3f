#!/usr/bin/env bash
# Runs the three container checks in turn (image, chart under kube play, compose) and prints each
# one's wall time; stops at the first failure. Not part of ./mvnw verify (several minutes).
# Usage: deploy/container/check-all.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
summary=()
for check in check-image check-kube-play check-compose; do
  say "=== $check"
  t0=$(now_ms)
  "$CONTAINER_DIR/$check.sh" || fail "$check failed after $(( ($(now_ms) - t0) / 1000 )) s"
  summary+=("$check: PASS in $(( ($(now_ms) - t0) / 1000 )) s")
done
say "=== summary"; printf '    %s\n' "${summary[@]}"
