// Convergence: with 1,000 routes loaded, from a file change to Envoy serving the new route (p50/p99 over 100 changes).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho } from '@tidegate/testkit';
import { syntheticGatewayApiYaml } from './generate';
import { percentile, record } from './report';

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
    await until(async () => (await status(port, '/r0/', agent)) === 200, 30_000);
    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const file = path.join(dir, 'probe.yaml');
      const t0 = performance.now();
      fs.writeFileSync(file, probeRoute(i));
      await until(async () => (await status(port, `/probe-${i}/`, agent)) === 200, 10_000);
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

function status(port: number, urlPath: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, agent, headers: { host: 'host-0.example.com' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
