#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lock file,
# then builds the TypeScript packages (incremental: a no-op when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tidegate: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -b
