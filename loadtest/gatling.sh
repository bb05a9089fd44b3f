#!/usr/bin/env bash
# Runs one Gatling simulation as a plain JVM (no Maven at run time), so several can run side by side
# as separate injector processes, each with its own heap and source addresses.
#
# Usage: loadtest/gatling.sh SIMULATION [-Dparam=value...]
#   SIMULATION: ConnectAndHold | FanOut | ReconnectStorm | PublishThroughput (or a full class name)
#   parameters: see the simulation's header or loadtest/README.md
# Environment: LT_GATLING_JAVA_OPTS   JVM options                               [-Xmx1g]
#              LT_GATLING_RESULTS     Gatling's results folder    [loadtest/target/gatling]
#              LT_GATLING_NO_REPORTS  1: skip the HTML report (e.g. many injectors)    [0]
# Open files: the JVM takes the hard limit (20000 here), so keep one process under ~19,000 users.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

sim="${1:-}"
[[ -n "$sim" ]] || lt_die "usage: loadtest/gatling.sh SIMULATION [-Dparam=value...]"
shift
[[ "$sim" == *.* ]] || sim="dev.ssegateway.loadtest.gatling.${sim%Simulation}Simulation"
lt_build
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
args=(--simulation "$sim" --results-folder "${LT_GATLING_RESULTS:-$LT_DIR/target/gatling}")
[[ "${LT_GATLING_NO_REPORTS:-0}" == 1 ]] && args+=(--no-reports)
# The flags Gatling's Maven plugin passes to its forked JVM.
# shellcheck disable=SC2086
exec java ${LT_GATLING_JAVA_OPTS:--Xmx1g} -XX:+HeapDumpOnOutOfMemoryError -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 \
  --add-opens java.base/java.lang=ALL-UNNAMED "$@" -cp "$(lt_classpath)" io.gatling.app.Gatling "${args[@]}"
