#!/usr/bin/env bash
# Draws loadtest/results/scaling.svg from the scaling results (loadtest/results/*.json written by
# run-scale.sh; the newest run per connection count): RSS of all nodes, KiB per connection (RSS and
# heap) and broadcast latency p50/p99/p99.9 against connections. Plain SVG from a small Java class
# (report/ScalingPlot): no plotting package needed.
#
# Usage: loadtest/plot.sh [RESULTS_DIR] [OUT.svg]      [loadtest/results] [RESULTS_DIR/scaling.svg]
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RESULTS=${1:-$LT_DIR/results}
OUT=${2:-$RESULTS/scaling.svg}
lt_build
lt_java dev.ssegateway.loadtest.report.ScalingPlot "$RESULTS" "$OUT"
