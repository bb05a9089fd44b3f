#!/usr/bin/env bash
# Builds local base images from the Debian archive, for machines that reach no image registry
# (only an apt mirror). Each is built only when missing (--force rebuilds them all):
#   localhost/sse-base-debian:trixie     debootstrap --variant=minbase trixie, imported
#   localhost/sse-base-jdk:21            + openjdk-21-jdk-headless  (the Dockerfile's build stage)
#   localhost/sse-base-jre:21            + openjdk-21-jre-headless  (the Dockerfile's runtime stage)
#   localhost/sse-base-services:trixie   + redis-server, haproxy    (compose and kube-play checks)
# Trixie because it ships Java 21, the version of the Dockerfile's default bases (eclipse-temurin:21).
# The build base also trusts this machine's own CAs (*.crt in SSE_EXTRA_CA_DIR, default
# /usr/local/share/ca-certificates): where a TLS-inspecting proxy stands between the build and
# Maven Central, the Maven wrapper inside the image build needs them.
# Usage: deploy/container/build-bases.sh [--force]     (SSE_DEBIAN_MIRROR: the archive to use)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FORCE="${1:-}"
MIRROR="${SSE_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

need() { [[ "$FORCE" == --force ]] || ! image_exists "$1"; }

if need "$BASE_DEBIAN"; then
  command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install -y debootstrap"
  root=$(mktemp -d /var/tmp/sse-debootstrap.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  say "debootstrap trixie from $MIRROR into $root"
  debootstrap --variant=minbase --components=main trixie "$root" "$MIRROR" >/var/tmp/sse-debootstrap.log 2>&1 \
    || fail "debootstrap failed, see /var/tmp/sse-debootstrap.log"
  # Keep the image small: no apt lists, no docs a container never reads.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/*
  tar -C "$root" -c . | pm import --change 'CMD ["bash"]' - "$BASE_DEBIAN" >/dev/null
  rm -rf "$root"; trap - EXIT
  ok "$BASE_DEBIAN imported"
fi

# One apt-get layer on top of the Debian base (with --site-cas: plus this machine's CAs).
derive() {
  local tag="$1" cas=""; shift
  [[ "$1" == --site-cas ]] && { cas=yes; shift; }
  need "$tag" || return 0
  say "building $tag: $*"
  local ctx; ctx=$(mktemp -d /tmp/sse-base-ctx.XXXXXX); mkdir "$ctx/cas"
  if [[ -n "$cas" ]]; then
    cp "${SSE_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt "$ctx/cas/" 2>/dev/null || true
    [[ -n "$(ls "$ctx/cas")" ]] && say "  with this machine's CAs: $(ls "$ctx/cas" | tr '\n' ' ')"
  fi
  pm build -q -t "$tag" -f - "$ctx" >/dev/null <<CF
FROM $BASE_DEBIAN
COPY cas/ /usr/local/share/ca-certificates/
RUN set -e; apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $* >/dev/null; \\
 if command -v update-ca-certificates >/dev/null; then update-ca-certificates >/dev/null 2>&1; fi; \\
 apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/*
CF
  rm -rf "$ctx"
  ok "$tag built"
}
derive "$BASE_JDK" --site-cas openjdk-21-jdk-headless ca-certificates ca-certificates-java curl
derive "$BASE_JRE" openjdk-21-jre-headless
derive "$BASE_SERVICES" redis-server haproxy curl ca-certificates
pm images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep sse-base || true
