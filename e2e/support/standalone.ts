// Runs a whole standalone Tidegate in-process (file provider, xDS, real bundled Envoy) on a temp directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane, type ControlPlaneOptions } from '@tidegate/tidegate';
import { firstValueFrom, filter } from 'rxjs';

export interface StandaloneHarness {
  plane: ControlPlane;
  dir: string;
  /** Writes (or replaces) a file in the config dir and waits until it has been translated and published. */
  write(file: string, content: string): Promise<void>;
  remove(file: string): Promise<void>;
  /** Configuration errors of the current state (each names object, file and field). */
  errors(): unknown[];
  close(): Promise<void>;
}

export async function startStandalone(
  files: Record<string, string>,
  options: {
    protocol?: 'sotw' | 'delta';
    envoy?: boolean;
    ingress?: ControlPlaneOptions['ingress'];
    envoyTranslation?: ControlPlaneOptions['envoyTranslation'];
    /** Envoy's drain time for replaced listeners (default 0: connections close at once). */
    drainSeconds?: number;
  } = {},
): Promise<StandaloneHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-e2e-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    ...(options.ingress ? { ingress: options.ingress } : {}),
    ...(options.envoyTranslation ? { envoyTranslation: options.envoyTranslation } : {}),
    ...(options.envoy === false
      ? {}
      : { envoy: { protocol: options.protocol ?? 'delta', adminPortBase: 0, logLevel: 'warning', drainSeconds: options.drainSeconds ?? 0 } }),
  });
  try {
    await plane.start();
  } catch (err) {
    await plane.stop().catch(() => undefined); // never leave an Envoy behind
    throw err;
  }
  const nextPublish = () => firstValueFrom(plane.published.pipe(filter(() => true)));
  return {
    plane,
    dir,
    async write(file, content) {
      const published = nextPublish();
      fs.writeFileSync(path.join(dir, file), content);
      await published;
    },
    async remove(file) {
      const published = nextPublish();
      fs.rmSync(path.join(dir, file));
      await published;
    },
    errors: () => plane.statusReport().errors,
    async close() {
      await plane.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
