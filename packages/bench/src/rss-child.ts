// Child process of the memory benchmark: a control plane (no Envoy) with N routes loaded; reports its RSS.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { syntheticGatewayApiYaml } from './generate';

async function main(): Promise<void> {
  const routes = Number(process.argv[2]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-rss-'));
  const rulesPerRoute = 16;
  fs.writeFileSync(
    path.join(dir, 'routes.yaml'),
    syntheticGatewayApiYaml({ port: 18080, routeObjects: Math.ceil(routes / rulesPerRoute), rulesPerRoute, services: Math.ceil(routes / 2), backendPort: 9000 }),
  );
  const plane = new ControlPlane({ configDir: dir, xds: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, defaultListenAddress: '127.0.0.1' });
  const t0 = performance.now();
  await plane.start();
  const startMs = performance.now() - t0;
  const groups = plane.cache.groups().length;
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  process.send?.({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, startMs, groups });
  await plane.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
