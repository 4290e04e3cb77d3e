#!/usr/bin/env bash
# Builds the pinned kube-apiserver, etcd and helm from the Go module proxy and fetches the Gateway API CRDs, into the
# cache (keyed by version); idempotent. Prints KEY=VALUE lines naming what it installed.
#
# No registry ships a kube-apiserver binary, so a small wrapper module requires k8s.io/kubernetes and replaces each
# staging module (listed as v0.0.0 in its go.mod) by the published v0.X.Y. Builds are slow (minutes, GBs of RAM):
# they run niced (TIDEGATE_BUILD_JOBS parallel jobs, default all cores), and land in a temporary folder moved into place only when complete.
set -euo pipefail

kube_version="${TIDEGATE_KUBE_VERSION:-1.36.3}"
etcd_version="${TIDEGATE_ETCD_VERSION:-3.6.16}"
gateway_api_version="${TIDEGATE_GATEWAY_API_VERSION:-1.5.1}"
helm_version="${TIDEGATE_HELM_VERSION:-3.22.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tidegate"
kube_root="${cache}/kube-${kube_version}"
etcd_root="${cache}/etcd-${etcd_version}"
gwapi_root="${cache}/gateway-api-${gateway_api_version}"
helm_root="${cache}/helm-${helm_version}"

# shellcheck source=lib/build-kube-command.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-kube-command.sh"

log() { echo "tidegate: $*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is required to build kube-apiserver and etcd (https://go.dev/dl or your distribution's golang package)"
    exit 1
  fi
}

# The wrapper's `go` line must not be newer than the local toolchain (GOTOOLCHAIN would try a download otherwise).
go_line() {
  local local_go
  local_go="$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+(\.[0-9]+)?).*/\1/')"
  echo "$local_go"
}

# go build with low priority and one package at a time: the machine may be shared with test runs.
slow_build() {
  GOFLAGS="${GOFLAGS:-} -p=${TIDEGATE_BUILD_JOBS:-$(nproc)}" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 19 go build "$@"
}

build_apiserver() {
  build_kube_command kube-apiserver "$kube_root" "${TIDEGATE_BUILD_JOBS:-$(nproc)}"
}

build_etcd() {
  local bin="${etcd_root}/bin/etcd"
  [ -x "$bin" ] && return 0
  need_go
  log "building etcd v${etcd_version} into ${etcd_root} (first run takes a few minutes)"
  mkdir -p "$cache"
  local work="${etcd_root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/src"
  cat >"$work/src/go.mod" <<EOF
module tidegate.local/etcd-build

go $(go_line)

require go.etcd.io/etcd/server/v3 v${etcd_version}
EOF
  cat >"$work/src/tools.go" <<'EOF'
//go:build tools

// Package tools pins the command this wrapper module builds.
package tools

import _ "go.etcd.io/etcd/server/v3"
EOF
  local start=$SECONDS
  (cd "$work/src" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod tidy >&2)
  (cd "$work/src" && slow_build -trimpath -o "$work/bin/etcd" -ldflags "-s -w" go.etcd.io/etcd/server/v3)
  log "etcd v${etcd_version} built in $((SECONDS - start)) s"
  rm -rf "$etcd_root"
  mv "$work" "$etcd_root"
}

fetch_gateway_api() {
  [ -d "${gwapi_root}/standard" ] && [ -d "${gwapi_root}/experimental" ] && return 0
  need_go
  local dir
  dir="$(cd /tmp && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@v${gateway_api_version}" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  if [ ! -d "$dir/config/crd/standard" ]; then
    log "sigs.k8s.io/gateway-api@v${gateway_api_version} has no config/crd/standard"
    exit 1
  fi
  local work="${gwapi_root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/standard" "$work/experimental"
  cp "$dir"/config/crd/standard/*.yaml "$work/standard/"
  cp "$dir"/config/crd/experimental/*.yaml "$work/experimental/"
  # The module cache is read-only; the copies need not be.
  chmod -R u+w "$work"
  echo "$dir" >"$work/module-dir"
  rm -rf "$gwapi_root"
  mv "$work" "$gwapi_root"
}

# helm, to render deploy/helm/tidegate in a test (its module has no replace directives: `go install` works).
build_helm() {
  local bin="${helm_root}/bin/helm"
  [ -x "$bin" ] && return 0
  need_go
  log "building helm v${helm_version} into ${helm_root} (first run takes several minutes)"
  local work="${helm_root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/bin"
  local start=$SECONDS
  GOBIN="$work/bin" GOFLAGS="${GOFLAGS:-} -p=${TIDEGATE_BUILD_JOBS:-$(nproc)}" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 19 \
    go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v${helm_version}" "helm.sh/helm/v3/cmd/helm@v${helm_version}"
  log "helm v${helm_version} built in $((SECONDS - start)) s"
  rm -rf "$helm_root"
  mv "$work" "$helm_root"
}

# `check`: install nothing; fail unless the API server's parts are there (for test harnesses; the chart test checks helm).
check() {
  local missing=()
  [ -x "${etcd_root}/bin/etcd" ] || missing+=("etcd ${etcd_version}")
  [ -x "${kube_root}/bin/kube-apiserver" ] || missing+=("kube-apiserver ${kube_version}")
  [ -d "${gwapi_root}/experimental" ] || missing+=("Gateway API CRDs ${gateway_api_version}")
  if [ "${#missing[@]}" -gt 0 ]; then
    log "not installed: ${missing[*]}; run scripts/install-kube.sh (or npm test, which installs them)"
    exit 1
  fi
}

case "${1:-all}" in
  all) build_etcd; build_apiserver; fetch_gateway_api; build_helm ;;
  check) check ;;
  etcd) build_etcd ;;
  apiserver) build_apiserver ;;
  gateway-api) fetch_gateway_api ;;
  helm) build_helm ;;
  *) log "usage: install-kube.sh [all|check|etcd|apiserver|gateway-api|helm]"; exit 2 ;;
esac

echo "KUBE_APISERVER=${kube_root}/bin/kube-apiserver"
echo "KUBE_VERSION=v${kube_version}"
echo "ETCD=${etcd_root}/bin/etcd"
echo "ETCD_VERSION=v${etcd_version}"
echo "GATEWAY_API_CRDS=${gwapi_root}"
echo "GATEWAY_API_VERSION=v${gateway_api_version}"
echo "HELM=${helm_root}/bin/helm"
echo "HELM_VERSION=v${helm_version}"
