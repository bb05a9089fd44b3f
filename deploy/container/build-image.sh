#!/usr/bin/env bash
# Builds the gateway image (SSE_IMAGE, default localhost/sse-gateway:dev) from
# deploy/docker/Dockerfile with podman. Bases: the local Debian ones (build-bases.sh, built when
# missing) unless SSE_BUILD_BASE and SSE_RUNTIME_BASE name others, e.g. the official
# eclipse-temurin:21-jdk / eclipse-temurin:21-jre where a registry is reachable.
# Usage: deploy/container/build-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [[ -z "${SSE_BUILD_BASE:-}" || -z "${SSE_RUNTIME_BASE:-}" ]]; then
  "$CONTAINER_DIR/build-bases.sh"
fi
say "podman build -f deploy/docker/Dockerfile (BUILD_BASE=${SSE_BUILD_BASE:-$BASE_JDK}, RUNTIME_BASE=${SSE_RUNTIME_BASE:-$BASE_JRE})"
log=$(mktemp /tmp/sse-build-image.XXXXXX.log)
t0=$(now_ms)
# --format docker: the OCI format has no HEALTHCHECK and buildah would drop it.
pm build --format docker -f "$REPO_ROOT/deploy/docker/Dockerfile" \
  --ignorefile "$REPO_ROOT/deploy/docker/Dockerfile.dockerignore" \
  --build-arg "BUILD_BASE=${SSE_BUILD_BASE:-$BASE_JDK}" --build-arg "RUNTIME_BASE=${SSE_RUNTIME_BASE:-$BASE_JRE}" \
  -t "$IMAGE" "$REPO_ROOT" >"$log" 2>&1 || { tail -n 40 "$log"; fail "image build failed (log: $log)"; }
rm -f "$log"
ok "image $IMAGE built in $(( ($(now_ms) - t0) / 1000 )) s"
