#!/usr/bin/env bash
# `npm test`: installs what the suite needs (npm packages, the pinned Envoy), type-checks,
# then runs every unit, golden and end-to-end test. Real components are required:
# a missing one fails the run, it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc -p tsconfig.check.json
node scripts/ensure-components.js
# --forceExit: a suite that fails half-way can leave a socket open, and the run must still end
# (a clean run exits by itself; a fresh full run showed no open handles).
npx jest --ci --forceExit "$@"
