#!/usr/bin/env bash
# `npm run bench [translate|rss|fanout|convergence]`: builds, then runs the benchmarks and prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/ensure-components.js
node packages/bench/dist/run.js "$@"
