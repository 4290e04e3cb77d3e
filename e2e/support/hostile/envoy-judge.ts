// Asks the real Envoy (`envoy --mode validate`) whether it accepts a proxy group's resources.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketAddress } from '@tidegate/envoy-api';
import { validateBootstrap } from '@tidegate/envoy-runner';
import type { EnvoyResources } from '@tidegate/translator';
import { envoyBinary } from '../../../packages/translator/src/envoy/test-support/envoy-bin';
import { staticBootstrap } from '../../../packages/translator/src/envoy/test-support/static-bootstrap';

/**
 * Envoy's complaint about the resources (made static), or undefined when it accepts them.
 * Envoy runs as the bundled one does (stdout and stderr are pipes). The bootstrap goes as
 * JSON: Envoy reads YAML 1.1, where an unquoted `on` or `yes` that YAML 1.2 writers leave
 * bare would turn into a boolean.
 */
export async function envoyRejection(resources: EnvoyResources): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'tidegate-hostile-envoy-'));
  try {
    const file = join(dir, 'bootstrap.json');
    const bootstrap = { ...(staticBootstrap(resources) as object), admin: { address: socketAddress('127.0.0.1', 0) } };
    await writeFile(file, JSON.stringify(bootstrap));
    const result = await validateBootstrap(envoyBinary(), file);
    return result.ok ? undefined : result.issues.map((i) => `${i.code}: ${i.message}`).join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
