#!/usr/bin/env bash
# Installs the pinned r-nacos server (a Nacos-compatible registry) into the cache; idempotent, prints the binary path.
# The build takes minutes: it runs at low priority and with one job so it does not starve other work.
set -euo pipefail
version="${RNACOS_VERSION:-0.8.8}"
root="${XDG_CACHE_HOME:-$HOME/.cache}/tidegate/rnacos-${version}"
bin="${root}/bin/rnacos"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "tidegate: cargo is required to build rnacos ${version} (install Rust from rustup or your distribution)" >&2
  exit 1
fi
mkdir -p "$root"
# One build at a time (a second caller waits, then finds the binary).
exec 9>"${root}.lock"
flock 9
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
echo "tidegate: building rnacos ${version} into ${root} (first run takes several minutes)" >&2
# Build in a temporary root and move the result into place, so a killed build never leaves a
# half-installed binary; compiled crates stay in a target dir until success, so a retry resumes.
tmp="$(mktemp -d "${root}.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
target="${root}.target"
if ! nice -n 19 cargo install rnacos --version "$version" --root "$tmp" --target-dir "$target" --locked -j "${TIDEGATE_BUILD_JOBS:-$(nproc)}" >&2; then
  echo "tidegate: 'cargo install --locked' failed; retrying without --locked" >&2
  nice -n 19 cargo install rnacos --version "$version" --root "$tmp" --target-dir "$target" -j "${TIDEGATE_BUILD_JOBS:-$(nproc)}" >&2
fi
mkdir -p "${root}/bin"
mv "${tmp}/bin/rnacos" "$bin"
rm -rf "$target"
echo "$bin"
