// Nacos discovery at scale: 5,000 services × 10 instances in a real r-nacos; first complete push, RSS, and
// one instance change until Envoy routes by it (2.x gRPC push, then 1.x polling).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRnacos, type NacosHttpClient, type RnacosServer } from '@tidegate/providers';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { mib, percentile, record } from './report';
import { freePort, until } from './probe';

const SERVICES = Number(process.env.REGISTRY_BENCH_SERVICES ?? 5000);
const INSTANCES = 10;
const ROUTES = Math.ceil(SERVICES / 10);
/** Registration is bounded: at most this long for all instances (the figure says how many made it). */
const REGISTER_BUDGET_MS = 240_000;
const PUSH_CHANGES = 20;
const POLL_CHANGES = 8;

export async function benchRegistry(): Promise<void> {
  const nacos = await startRnacos({ healthTimeoutSeconds: 7200, instanceTimeoutSeconds: 14_400, env: { RNACOS_HTTP_WORKERS: '2' } });
  const bulk = await startEcho({ name: 'bulk', host: '0.0.0.0' });
  const oldEcho = await startEcho({ name: 'old' });
  const newEcho = await startEcho({ name: 'new' });
  try {
    const client = nacos.client();
    const registered = await registerAll(client, bulk.port);
    record({ name: `registry: instances registered over HTTP (${SERVICES} × ${INSTANCES})`, value: registered.count, unit: 'inst' });
    record({ name: 'registry: registration rate (r-nacos 1.x HTTP, 32 in flight)', value: registered.count / (registered.ms / 1000), unit: 'inst/s' });
    await client.registerInstance({ service: 'probe', ip: '127.0.0.1', port: oldEcho.port, weight: 0.01 });
    await runPlane(nacos, 'nacos2', 30_000, async (plane, port) => {
      await measureChanges(plane, client, port, newEcho, PUSH_CHANGES, 'push (nacos2), refresh 30 s', 1000);
    });
    const interval = Number(process.env.REGISTRY_BENCH_POLL_MS ?? 5000);
    await runPlane(nacos, 'nacos', interval, async (plane, port) => {
      await measureChanges(plane, client, port, newEcho, POLL_CHANGES, `polling (nacos), refresh ${interval} ms`, interval + 200);
    });
  } finally {
    await nacos.close();
    await bulk.close();
    await oldEcho.close();
    await newEcho.close();
  }
}

/** Registers every instance (32 in flight), bounded by REGISTER_BUDGET_MS. */
async function registerAll(client: NacosHttpClient, port: number): Promise<{ count: number; ms: number }> {
  const t0 = performance.now();
  let next = 0;
  let count = 0;
  const total = SERVICES * INSTANCES;
  const worker = async () => {
    while (next < total && performance.now() - t0 < REGISTER_BUDGET_MS) {
      const k = next++;
      const s = Math.floor(k / INSTANCES);
      // Distinct loopback addresses (127.1.0.0/16 and up) all reach the one bulk echo server.
      const ip = `127.${1 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
      await client.registerInstance({ service: `svc-${s}`, ip, port, ephemeral: true });
      count++;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return { count, ms: performance.now() - t0 };
}

async function runPlane(nacos: RnacosServer, type: 'nacos' | 'nacos2', refreshMs: number, body: (plane: ControlPlane, port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-registry-bench-'));
  fs.writeFileSync(path.join(dir, 'all.yaml'), configYaml(nacos, type, refreshMs, port));
  const rss0 = process.memoryUsage().rss;
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'error', drainSeconds: 0 },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const t0 = performance.now();
    await plane.start();
    const complete = performance.now() - t0;
    const ir = plane.currentIr()[0];
    const backends = ir?.backends.filter((b) => b.name.startsWith('svc-')) ?? [];
    const endpoints = backends.reduce((n, b) => n + (b.discovery.type === 'static' ? b.discovery.endpoints.length : 0), 0);
    record({ name: `registry ${type}: start → first complete push (${backends.length} services, ${endpoints} endpoints)`, value: complete, unit: 'ms' });
    await until(async () => (await get(port, `/svc-${SERVICES - 1}/`, agent)).status === 200, 120_000);
    record({ name: `registry ${type}: start → Envoy serves the last of ${SERVICES} services`, value: performance.now() - t0, unit: 'ms' });
    record({ name: `registry ${type}: control-plane RSS growth after the first push`, value: mib(process.memoryUsage().rss - rss0), unit: 'MiB' });
    record({ name: `registry ${type}: control-plane RSS`, value: mib(process.memoryUsage().rss), unit: 'MiB' });
    await body(plane, port);
  } finally {
    agent.destroy();
    await plane.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One registration per sample: `probe` has instance `old` (weight 0.01) and gets instance
 * `new` (weight 10000) — the time from the register call to the first request Envoy sends to
 * `new`. Between samples `new` is deregistered again (not measured).
 */
async function measureChanges(
  plane: ControlPlane,
  client: NacosHttpClient,
  port: number,
  echo: EchoServer,
  samples: number,
  label: string,
  target: number,
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probe = { service: 'probe', ip: '127.0.0.1', port: echo.port };
  const latencies: number[] = [];
  const registryPart: number[] = [];
  // When the registry provider publishes the change (Nacos's own notify delay + our read), and the rest.
  const registries = plane.providers.find((p) => p.name === 'nacos')!;
  let publishedAt = 0;
  const sub = registries.resources.changes().subscribe(() => (publishedAt = performance.now()));
  try {
    await until(async () => (await get(port, '/probe/', agent)).backend === 'old', 60_000);
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      publishedAt = 0;
      await client.registerInstance({ ...probe, weight: 10_000 });
      await until(async () => (await get(port, '/probe/', agent)).backend === 'new', 60_000);
      latencies.push(performance.now() - t0);
      if (publishedAt > 0) registryPart.push(publishedAt - t0);
      await client.deregisterInstance(probe);
      await until(async () => (await get(port, '/probe/', agent)).backend === 'old', 60_000);
      // Changes land at random points of the refresh cycle.
      await new Promise((r) => setTimeout(r, Math.random() * 500));
    }
  } finally {
    sub.unsubscribe();
    agent.destroy();
  }
  const rest = latencies.slice(0, registryPart.length).map((l, i) => l - registryPart[i]!);
  record({ name: `registry: change → provider has it (Nacos notify/poll), ${label}: p50`, value: percentile(registryPart, 50), unit: 'ms' });
  record({ name: `registry: provider → Envoy routes (translate, xDS, Envoy), ${label}: p50`, value: percentile(rest, 50), unit: 'ms' });
  record({ name: `registry: provider → Envoy routes (translate, xDS, Envoy), ${label}: p99`, value: percentile(rest, 99), unit: 'ms' });
  record({ name: `registry: instance change → Envoy routes by it, ${label}: p50 (${samples})`, value: percentile(latencies, 50), unit: 'ms' });
  record({ name: `registry: instance change → Envoy routes by it, ${label}: p99 (${samples})`, value: percentile(latencies, 99), unit: 'ms', target });
}

function configYaml(nacos: RnacosServer, type: string, refreshMs: number, port: number): string {
  const docs = [
    `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tidegate }
spec: { controllerName: tidegate.io/gateway-controller }`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bench, namespace: default }
spec:
  gatewayClassName: tidegate
  listeners: [{ name: http, protocol: HTTP, port: ${port} }]`,
    `apiVersion: networking.higress.io/v1
kind: McpBridge
metadata: { name: default, namespace: higress-system }
spec:
  registries:
    - { name: bench, type: ${type}, domain: ${nacos.host}, port: ${nacos.httpPort}, nacosRefreshInterval: ${refreshMs * 1_000_000} }`,
    route('probe', ['probe']),
  ];
  for (let r = 0; r < ROUTES; r++) {
    const names: string[] = [];
    for (let s = r * 10; s < Math.min(SERVICES, (r + 1) * 10); s++) names.push(`svc-${s}`);
    docs.push(route(`r${r}`, names));
  }
  return docs.join('\n---\n');
}

const route = (name: string, services: string[]): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: bench }]
  rules:
${services
  .map(
    (s) => `    - matches: [{ path: { type: PathPrefix, value: /${s}/ } }]
      backendRefs: [{ group: networking.istio.io, kind: Hostname, name: ${s}.DEFAULT-GROUP.public.nacos }]`,
  )
  .join('\n')}`;

function get(port: number, urlPath: string, agent: http.Agent): Promise<{ status: number; backend?: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let backend: string | undefined;
        try {
          backend = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { backend?: string }).backend;
        } catch {
          backend = undefined;
        }
        resolve({ status: res.statusCode ?? 0, backend });
      });
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}

