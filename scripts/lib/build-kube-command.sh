# Sourced by install-kube.sh and install-conformance.sh: builds one command of k8s.io/kubernetes (kube-apiserver,
# kube-controller-manager) from the Go module proxy. The callers define `log`, `need_go` and `go_line`.
#
# No registry ships these binaries, so a small wrapper module requires k8s.io/kubernetes and replaces each staging
# module (listed as v0.0.0 in its go.mod) by the published v0.X.Y. The build runs niced with $3 parallel jobs and
# lands in a temporary folder moved into place only when complete.

# build_kube_command COMMAND ROOT JOBS: ROOT/bin/COMMAND at $kube_version, unless it is there already.
build_kube_command() {
  local command="$1" root="$2" jobs="$3"
  local bin="${root}/bin/${command}"
  [ -x "$bin" ] && return 0
  need_go
  local minor="${kube_version#*.}"; minor="${minor%%.*}"
  local major="${kube_version%%.*}"
  local staging="0.${minor}.${kube_version##*.}"
  log "building ${command} v${kube_version} into ${root} (first run takes 10+ minutes)"
  mkdir -p "$(dirname "$root")"
  local work="${root}.tmp"
  rm -rf "$work"
  mkdir -p "$work/src"
  local mod
  mod="$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v${kube_version}" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')"
  {
    echo "module tidegate.local/${command}-build"
    echo
    echo "go $(go_line)"
    echo
    echo "require k8s.io/kubernetes v${kube_version}"
    echo
    # Staging modules: k8s.io/kubernetes lists them as v0.0.0 and resolves them with a go.work in its own repo.
    grep -E '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$mod" | awk -v v="v${staging}" '{ print "replace " $1 " => " $1 " " v }'
  } >"$work/src/go.mod"
  cat >"$work/src/tools.go" <<TOOLS
//go:build tools

// Package tools pins the command this wrapper module builds.
package tools

import _ "k8s.io/kubernetes/cmd/${command}"
TOOLS
  local start=$SECONDS
  (cd "$work/src" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod tidy >&2)
  local pkg="k8s.io/component-base/version"
  (cd "$work/src" && GOFLAGS="-mod=mod -p=${jobs}" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 19 go build -trimpath -o "$work/bin/${command}" \
    -ldflags "-s -w -X ${pkg}.gitVersion=v${kube_version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean" \
    "k8s.io/kubernetes/cmd/${command}")
  log "${command} v${kube_version} built in $((SECONDS - start)) s"
  rm -rf "$root"
  mv "$work" "$root"
}
