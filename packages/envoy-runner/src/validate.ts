// Asks the real Envoy whether a bootstrap is acceptable (`envoy --mode validate`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Result, fail, ok } from '@tidegate/common';
import type { EnvoyBootstrap } from './bootstrap';
import { materializeBootstrap } from './bootstrap-file';
import { describeFailure, execCommand, lastLines } from './exec';

/**
 * Runs `envoy --mode validate` on the bootstrap. Envoy's complaint becomes one issue with
 * code `envoy-rejected`; a binary that cannot run at all gives `envoy-failed`.
 */
export async function validateBootstrap(binary: string, bootstrap: EnvoyBootstrap | string, timeoutMs = 30_000): Promise<Result<void>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-validate-'));
  try {
    const file = materializeBootstrap(bootstrap, dir);
    const r = await execCommand(binary, ['--mode', 'validate', '-c', file, '--disable-hot-restart', '-l', 'error'], { timeoutMs });
    if (r.code === 0) return ok(undefined);
    if (r.spawnError || r.timedOut || r.signal) {
      return fail({ code: 'envoy-failed', path: '', message: describeFailure(`${binary} --mode validate`, r) });
    }
    return fail({ code: 'envoy-rejected', path: '', message: lastLines(`${r.stdout}\n${r.stderr}`, 10) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
