#!/usr/bin/env node
// The `tidegate` command: runs the compiled CLI. It is a file of the checkout (not of dist/), so npm links it before the first build.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`tidegate: ${cli} is not built yet: run \`npm run build\` (or \`npx tsc -b\`) in the checkout\n`);
  process.exit(1);
}
require(cli);
