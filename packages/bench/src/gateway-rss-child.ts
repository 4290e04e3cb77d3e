// Child process of the Gateway benchmark: a control plane (no Envoy) with one Gateway and N HTTPRoutes loaded; reports its RSS.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { gatewayBenchYaml } from './gateway-config';

async function main(): Promise<void> {
  const routes = Number(process.argv[2]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-gw-rss-'));
  fs.writeFileSync(path.join(dir, 'routes.yaml'), gatewayBenchYaml({ port: 18080, routes, backendPort: 9000 }));
  const plane = new ControlPlane({ configDir: dir, xds: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, defaultListenAddress: '127.0.0.1' });
  await plane.start();
  const ir = plane.currentIr();
  const served = ir.flatMap((g) => g.httpListeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes))).length;
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  process.send?.({ rss: process.memoryUsage().rss, groups: ir.length, served, errors: plane.statusReport().errors.length });
  await plane.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
