// The compiled CLI against a real kube-apiserver: `tidegate controller --kubeconfig --watch-namespace` and a separate `tidegate envoy`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, httpRequest, waitFor } from './support/http';
import { k8s, startKubeApiServer, type KubeApiServer } from './support/kube';
import { createTestHost, type TestHost } from './support/test-host';

jest.setTimeout(60_000);

const CLI = path.join(__dirname, '..', 'packages', 'tidegate', 'dist', 'cli.js');
const GW = 'gateway.networking.k8s.io/v1';

let api: KubeApiServer;
// The backend runs on a test host: EndpointSlices may not hold loopback addresses.
let backendHost: TestHost;
let port: number;
let tmp: string;
const children: ChildProcess[] = [];

function run(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const { JEST_WORKER_ID: _worker, TIDEGATE_LOG_LEVEL: _level, ...base } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test does)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-kube-cli-'));
  port = await freePort();
  backendHost = await createTestHost();
  const echo = await backendHost.startEcho('kube-cli-echo');
  api = await startKubeApiServer({ tidegateCrds: false });
  await api.apply(
    k8s.namespace('team-a'),
    k8s.gatewayClass(),
    k8s.gateway('gw', port, 'team-a'),
    ...k8s.serviceWithEndpoints('echo', backendHost.address, echo.port, 'team-a'),
    k8s.httpRoute('r', 'gw', 'cli.example.com', [{ backendRefs: [{ name: 'echo', port: 80 }] }], 'team-a'),
    // Outside the watched namespace: must not be served.
    k8s.gateway('gw', await freePort(), 'default'),
  );
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await api?.stop();
  await backendHost?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('controller watches one namespace, a separate envoy process serves it, status and Lease are written', async () => {
  const [xds, admin, envoyAdmin] = [await freePort(), await freePort(), await freePort()];
  const controller = run(
    ['controller', '--kubeconfig', api.kubeconfigPath, '--watch-namespace', 'team-a', '--xds-port', String(xds), '--admin-port', String(admin), '--listen-address', '127.0.0.1'],
    { POD_NAMESPACE: 'team-a' },
  );
  await waitFor(async () => (await httpRequest(admin, '/readyz').catch(() => undefined))?.status === 200, 20_000, 'controller readiness');
  const envoy = run(['envoy', '--xds-address', `127.0.0.1:${xds}`, '--node-id', 'gw-pod-1', '--proxy-group', 'team-a/gw', '--envoy-admin-port', String(envoyAdmin)]);
  await waitFor(async () => (await httpRequest(port, '/x', { host: 'cli.example.com' }).catch(() => undefined))?.json?.backend === 'kube-cli-echo', 20_000, 'the gateway pod to serve');

  const status = await waitFor(async () => {
    const s = (await api.get(GW, 'HTTPRoute', 'r', 'team-a'))?.status as { parents?: Array<{ conditions: Array<{ type: string; status: string }> }> } | undefined;
    return s?.parents?.[0]?.conditions.some((c) => c.type === 'Accepted' && c.status === 'True') ? s : undefined;
  }, 20_000, 'route status');
  expect(status.parents).toHaveLength(1);
  // The Gateway in the unwatched namespace is untouched.
  const other = (await api.get(GW, 'Gateway', 'gw', 'default'))?.status as { conditions?: Array<{ reason: string }> } | undefined;
  expect(other?.conditions?.every((c) => c.reason === 'Pending')).toBe(true);
  const ir = (await httpRequest(admin, '/debug/ir')).json as Array<{ name: string }>;
  expect(ir.map((g) => g.name)).toEqual(['team-a/gw']);

  const lease = await api.client.request<{ spec: { holderIdentity?: string } }>('GET', '/apis/coordination.k8s.io/v1/namespaces/team-a/leases/tidegate-controller');
  expect(lease.spec.holderIdentity).toBeTruthy();

  envoy.child.kill('SIGTERM');
  controller.child.kill('SIGTERM');
  expect(await envoy.exited).toBe(0);
  expect(await controller.exited).toBe(0);
  // The leader hands the Lease back on the way out.
  const released = await api.client.request<{ spec: { holderIdentity?: string } }>('GET', '/apis/coordination.k8s.io/v1/namespaces/team-a/leases/tidegate-controller');
  expect(released.spec.holderIdentity ?? '').toBe('');
});

it('is not ready until the API server has been listed', async () => {
  const [xds, admin, dead] = [await freePort(), await freePort(), await freePort()];
  const config = JSON.parse(fs.readFileSync(api.kubeconfigPath, 'utf8'));
  config.clusters[0].cluster.server = `https://127.0.0.1:${dead}`;
  const file = path.join(tmp, 'unreachable.kubeconfig');
  fs.writeFileSync(file, JSON.stringify(config));
  const controller = run(['controller', '--kubeconfig', file, '--xds-port', String(xds), '--admin-port', String(admin)]);
  await waitFor(async () => (await httpRequest(admin, '/healthz').catch(() => undefined))?.status === 200, 20_000, 'the admin port');
  expect((await httpRequest(admin, '/readyz')).status).toBe(503);
  controller.child.kill('SIGTERM');
  expect(await controller.exited).toBe(0);
});

it('fails clearly on an unreadable kubeconfig', async () => {
  const bad = run(['controller', '--kubeconfig', path.join(tmp, 'nope.yaml')]);
  expect(await bad.exited).not.toBe(0);
  expect(bad.output()).toContain('cannot load kubeconfig');
});
