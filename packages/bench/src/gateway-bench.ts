// Gateway API at scale: one Gateway, 1,000 HTTPRoutes over 5 hostnames. Control-plane RSS (fresh child
// process), and from an applied route change to Envoy serving it (p50/p99 over 100 changes).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho } from '@tidegate/testkit';
import { benchHost, gatewayBenchRoute, gatewayBenchYaml } from './gateway-config';
import { mib, percentile, record } from './report';
import { freePort, httpStatus, until } from './probe';

const ROUTES = 1000;
const CHANGES = 100;

export async function benchGateway(): Promise<void> {
  await gatewayRss();
  await gatewayConvergence();
}

async function gatewayRss(): Promise<void> {
  const child = fork(path.join(__dirname, 'gateway-rss-child.js'), [String(ROUTES)], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<{ rss: number; groups: number; served: number; errors: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`gateway rss child exited with ${code}`)));
  });
  await new Promise((r) => child.once('exit', r));
  if (result.groups !== 1 || result.errors !== 0 || result.served !== ROUTES) {
    throw new Error(`expected 1 group, ${ROUTES} routes and no errors; got ${JSON.stringify(result)}`);
  }
  record({ name: `Gateway API: control-plane RSS, 1 Gateway, ${ROUTES.toLocaleString('en')} HTTPRoutes`, value: mib(result.rss), unit: 'MiB', target: 150 });
}

/**
 * The route under change (route 0) lives in its own file; each change gives it a new
 * path, and the time runs from writing the file until Envoy answers that path from the
 * backend (the file provider's debounce included, as a user would see it).
 */
async function gatewayConvergence(): Promise<void> {
  const echo = await startEcho({ name: 'bench' });
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-gw-bench-'));
  fs.writeFileSync(path.join(dir, 'routes.yaml'), gatewayBenchYaml({ port, routes: ROUTES, backendPort: echo.port, skip: 0 }));
  fs.writeFileSync(path.join(dir, 'changing.yaml'), gatewayBenchRoute(0, '/r0/'));
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'error', drainSeconds: 0 },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probe = (p: string) => httpStatus(port, benchHost(0), p, agent);
  try {
    await plane.start();
    await until(async () => (await probe('/r0/')) === 200, 30_000);
    const latencies: number[] = [];
    const toSnapshot: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const next = `/changed-${i}/`;
      let published = 0;
      const sub = plane.published.subscribe((r) => {
        if (!published && r.published.length) published = performance.now();
      });
      const t0 = performance.now();
      fs.writeFileSync(path.join(dir, 'changing.yaml'), gatewayBenchRoute(0, next));
      await until(async () => (await probe(next)) === 200, 10_000);
      latencies.push(performance.now() - t0);
      sub.unsubscribe();
      if (published) toSnapshot.push(published - t0);
    }
    record({ name: `Gateway API, ${ROUTES.toLocaleString('en')} HTTPRoutes: route change → snapshot published, p50`, value: percentile(toSnapshot, 50), unit: 'ms' });
    record({ name: `Gateway API, ${ROUTES.toLocaleString('en')} HTTPRoutes: route change → served, p50`, value: percentile(latencies, 50), unit: 'ms' });
    record({ name: `Gateway API, ${ROUTES.toLocaleString('en')} HTTPRoutes: route change → served, p99`, value: percentile(latencies, 99), unit: 'ms', target: 150 });
  } finally {
    agent.destroy();
    await plane.stop();
    await echo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

