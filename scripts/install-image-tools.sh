#!/usr/bin/env bash
# Builds the pinned crane (go-containerregistry) from the Go module proxy into the cache, keyed by version; idempotent.
# scripts/build-image.sh uses it to assemble and write the container image without a Docker engine.
# Prints CRANE=<path> and CRANE_VERSION=<version>.
set -euo pipefail

crane_version="${TIDEGATE_CRANE_VERSION:-0.22.1}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tidegate"
crane_root="${cache}/crane-${crane_version}"

log() { echo "tidegate: $*" >&2; }

build_crane() {
  [ -x "${crane_root}/bin/crane" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    log "Go is required to build crane (https://go.dev/dl or your distribution's golang package)"
    exit 1
  fi
  log "building crane v${crane_version} into ${crane_root}"
  local work="${crane_root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/bin"
  local start=$SECONDS
  # Niced, one package at a time: the machine may be shared with test runs. Built in a temporary folder moved into
  # place only when complete, so an interrupted build is never mistaken for a finished one.
  GOBIN="$work/bin" GOFLAGS="${GOFLAGS:-} -p=${TIDEGATE_BUILD_JOBS:-1}" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 19 \
    go install -trimpath -ldflags "-s -w" "github.com/google/go-containerregistry/cmd/crane@v${crane_version}"
  log "crane v${crane_version} built in $((SECONDS - start)) s"
  rm -rf "$crane_root"
  mv "$work" "$crane_root"
}

case "${1:-all}" in
  all | crane) build_crane ;;
  *) log "usage: install-image-tools.sh [all|crane]"; exit 2 ;;
esac

echo "CRANE=${crane_root}/bin/crane"
echo "CRANE_VERSION=v${crane_version}"
