# shellcheck shell=bash disable=SC2034
# Shared by the deploy/container scripts (sourced, not run). Podman settings for machines like the
# project's: runc (crun fails on hybrid cgroup v1 hosts) and ulimits within the fixed hard limits
# (podman's defaults exceed them). Override with SSE_PODMAN_RUNTIME / SSE_PODMAN_ULIMITS.
set -euo pipefail

CONTAINER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CONTAINER_DIR/../.." && pwd)"
PODMAN_RUNTIME="${SSE_PODMAN_RUNTIME:-runc}"
NOFILE=$(ulimit -Hn); ((NOFILE > 20000)) && NOFILE=20000
read -r -a ULIMITS <<<"${SSE_PODMAN_ULIMITS:---ulimit nofile=$NOFILE:$NOFILE --ulimit nproc=4096:4096}"
# Local bases (deploy/container/build-bases.sh); the Dockerfile's defaults are the official images.
BASE_DEBIAN="${SSE_BASE_DEBIAN:-localhost/sse-base-debian:trixie}"
BASE_JDK="${SSE_BASE_JDK:-localhost/sse-base-jdk:21}"
BASE_JRE="${SSE_BASE_JRE:-localhost/sse-base-jre:21}"
BASE_SERVICES="${SSE_BASE_SERVICES:-localhost/sse-base-services:trixie}"
IMAGE="${SSE_IMAGE:-localhost/sse-gateway:dev}"

pm() { podman --runtime "$PODMAN_RUNTIME" "$@"; }
say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { printf '[%s] FAIL: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }
ok() { printf '[%s] ok: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
image_exists() { pm image exists "$1"; }
# Milliseconds since the epoch (for timings).
now_ms() { date +%s%3N; }
