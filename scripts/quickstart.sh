#!/usr/bin/env bash
# `npm start`: Tidegate standalone with bundled Envoy on examples/, plus the two example backends.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
node packages/testkit/dist/echo-cli.js --name app-a --port 9001 & pids+=($!)
node packages/testkit/dist/echo-cli.js --name app-b --port 9002 & pids+=($!)
echo "tidegate: try 'curl localhost:8080/a' once Envoy is up (Ctrl-C stops everything)" >&2
node packages/tidegate/dist/cli.js standalone --config-dir examples --listen-address 127.0.0.1 "$@"
