// Convergence: with 1,000 routes loaded, from a file change to Envoy serving the new route (p50/p99 over 100 changes).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho } from '@tidegate/testkit';
import { syntheticGatewayApiYaml } from './generate';
import { percentile, record } from './report';
import { freePort, httpStatus, until } from './probe';

const CHANGES = 100;

export async function benchConvergence(): Promise<void> {
  const echo = await startEcho({ name: 'bench' });
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-bench-'));
  fs.writeFileSync(path.join(dir, 'routes.yaml'), syntheticGatewayApiYaml({ port, routeObjects: 100, rulesPerRoute: 10, services: 50, backendPort: echo.port }));
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'error', drainSeconds: 0 },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await plane.start();
    await until(async () => (await httpStatus(port, 'host-0.example.com', '/r0/', agent)) === 200, 30_000);
    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const file = path.join(dir, 'probe.yaml');
      const t0 = performance.now();
      fs.writeFileSync(file, probeRoute(i));
      await until(async () => (await httpStatus(port, 'host-0.example.com', `/probe-${i}/`, agent)) === 200, 10_000);
      latencies.push(performance.now() - t0);
    }
    record({ name: `convergence, 1,000 routes, file change → served: p50 (${CHANGES} changes)`, value: percentile(latencies, 50), unit: 'ms' });
    record({ name: `convergence, 1,000 routes, file change → served: p99 (${CHANGES} changes)`, value: percentile(latencies, 99), unit: 'ms', target: 150 });
  } finally {
    agent.destroy();
    await plane.stop();
    await echo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const probeRoute = (i: number): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: probe, namespace: default }
spec:
  parentRefs: [{ name: bench }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /probe-${i}/ } }]
      backendRefs: [{ name: svc-0, port: 80 }]
`;

