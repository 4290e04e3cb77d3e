// Finds the real Envoy for tests: ENVOY_BIN first, then the project's cache.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CACHED = path.join(os.homedir(), '.cache/tidegate/envoy-1.40.0/lib/python3.11/site-packages/envoy/_bin/envoy');

/** The Envoy binary to validate configurations with; throws when there is none. */
export function envoyBinary(): string {
  const candidate = process.env.ENVOY_BIN || CACHED;
  if (!fs.existsSync(candidate)) throw new Error(`no Envoy for tests: set ENVOY_BIN (looked at ${candidate})`);
  return candidate;
}
