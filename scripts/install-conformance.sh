#!/usr/bin/env bash
# Builds what the Gateway API conformance run needs, into the cache (keyed by version); idempotent. Prints KEY=VALUE
# lines naming what it installed:
# - the conformance suite as a test binary (`go test -c` of sigs.k8s.io/gateway-api/conformance, unmodified),
# - echo-basic, the suite's backend server, from the same module,
# - kube-controller-manager at the kube-apiserver's version (namespace deletion, EndpointSlices, ServiceAccounts).
#
# Wrapper modules require the published modules (the conformance module's own `replace ../` only works in its
# repository). Builds run niced with GOFLAGS=-p=1 (TIDEGATE_BUILD_JOBS to change) and land in a temporary folder moved
# into place only when complete.
set -euo pipefail

kube_version="${TIDEGATE_KUBE_VERSION:-1.36.3}"
gateway_api_version="${TIDEGATE_GATEWAY_API_VERSION:-1.5.1}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tidegate"
conf_root="${cache}/gateway-api-conformance-${gateway_api_version}"
kcm_root="${cache}/kube-controller-manager-${kube_version}"

# shellcheck source=lib/build-kube-command.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-kube-command.sh"

log() { echo "tidegate: $*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is required to build the conformance suite (https://go.dev/dl or your distribution's golang package)"
    exit 1
  fi
}

# The wrapper's `go` line must not be newer than the local toolchain (GOTOOLCHAIN would try a download otherwise).
go_line() { go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+(\.[0-9]+)?).*/\1/'; }

# Low priority, one package at a time by default: the machine may be shared with test runs.
go_slow() {
  GOFLAGS="-mod=mod -p=${TIDEGATE_BUILD_JOBS:-1}" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 19 go "$@"
}

build_conformance() {
  [ -x "${conf_root}/bin/conformance.test" ] && [ -x "${conf_root}/bin/echo-basic" ] && return 0
  need_go
  log "building the Gateway API v${gateway_api_version} conformance suite and echo-basic into ${conf_root}"
  mkdir -p "$cache"
  local work="${conf_root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/src" "$work/bin"
  cat >"$work/src/go.mod" <<EOF
module tidegate.local/gateway-api-conformance-build

go $(go_line)

require (
	sigs.k8s.io/gateway-api v${gateway_api_version}
	sigs.k8s.io/gateway-api/conformance v${gateway_api_version}
)
EOF
  cat >"$work/src/tools.go" <<'EOF'
//go:build tools

// Package tools pins the packages this wrapper module builds.
package tools

import _ "sigs.k8s.io/gateway-api/conformance"
EOF
  local start=$SECONDS
  (cd "$work/src" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod tidy >&2)
  # The two gateway-api modules must stay at the pinned version (tidy may not lower them, but say so if it raised them).
  (cd "$work/src" && go_slow get "sigs.k8s.io/gateway-api@v${gateway_api_version}" "sigs.k8s.io/gateway-api/conformance@v${gateway_api_version}" >&2)
  (cd "$work/src" && go_slow test -c -trimpath -ldflags "-s -w" -o "$work/bin/conformance.test" sigs.k8s.io/gateway-api/conformance)
  (cd "$work/src" && go_slow build -trimpath -ldflags "-s -w" -o "$work/bin/echo-basic" sigs.k8s.io/gateway-api/conformance/echo-basic)
  # The module's folder, for reading the suite's manifests and flags.
  (cd "$work/src" && GOTOOLCHAIN=local go list -m -f '{{.Dir}}' "sigs.k8s.io/gateway-api/conformance") >"$work/module-dir"
  log "conformance suite built in $((SECONDS - start)) s"
  rm -rf "$conf_root"
  mv "$work" "$conf_root"
}

build_controller_manager() {
  build_kube_command kube-controller-manager "$kcm_root" "${TIDEGATE_BUILD_JOBS:-1}"
}

# `check`: install nothing; fail unless everything is there (for the harness).
check() {
  local missing=()
  [ -x "${conf_root}/bin/conformance.test" ] || missing+=("conformance suite ${gateway_api_version}")
  [ -x "${conf_root}/bin/echo-basic" ] || missing+=("echo-basic ${gateway_api_version}")
  [ -x "${kcm_root}/bin/kube-controller-manager" ] || missing+=("kube-controller-manager ${kube_version}")
  if [ "${#missing[@]}" -gt 0 ]; then
    log "not installed: ${missing[*]}; run scripts/install-conformance.sh"
    exit 1
  fi
}

case "${1:-all}" in
  all) build_conformance; build_controller_manager ;;
  check) check ;;
  suite) build_conformance ;;
  controller-manager) build_controller_manager ;;
  *) log "usage: install-conformance.sh [all|check|suite|controller-manager]"; exit 2 ;;
esac

echo "CONFORMANCE_TEST=${conf_root}/bin/conformance.test"
echo "ECHO_BASIC=${conf_root}/bin/echo-basic"
echo "CONFORMANCE_MODULE_DIR=$(cat "${conf_root}/module-dir" 2>/dev/null || true)"
echo "GATEWAY_API_VERSION=v${gateway_api_version}"
echo "KUBE_CONTROLLER_MANAGER=${kcm_root}/bin/kube-controller-manager"
echo "KUBE_VERSION=v${kube_version}"
