// Child process of the Ingress memory benchmark: a control plane (no Envoy) with the Ingress estate loaded; reports its RSS.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { INGRESS_ESTATE, benchIngressFiles } from './ingress-config';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-ingress-rss-'));
  for (const [name, text] of Object.entries(benchIngressFiles(INGRESS_ESTATE))) fs.writeFileSync(path.join(dir, name), text);
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    ingress: { ingressClass: 'tidegate', httpPort: 18080, httpsPort: 18443 },
  });
  const t0 = performance.now();
  await plane.start();
  const startMs = performance.now() - t0;
  const ir = plane.currentIr();
  const routes = ir.flatMap((g) => g.httpListeners).reduce((n, l) => n + l.virtualHosts.reduce((m, v) => m + v.routes.length, 0), 0);
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  process.send?.({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, startMs, groups: ir.length, routes, errors: plane.statusReport().errors.length });
  await plane.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
