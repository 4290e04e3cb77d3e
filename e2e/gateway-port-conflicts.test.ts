// Proxies never share an address and port: two Gateways, a Gateway and the default Ingress gateway,
// a foreign process, two Tidegates. The later Gateway's listener is Conflicted naming the other and
// every request reaches the one that keeps the port (with SO_REUSEPORT the kernel split them).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gatewayWithRoute as fixture, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress } from './support/ingress';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(120_000);

const REQUESTS = 50;

let a: EchoServer, b: EchoServer, c: EchoServer;
const harnesses: StandaloneHarness[] = [];
let foreign: ChildProcess | undefined;

/** A Gateway created at `created` with HTTP listeners `name: port` and an HTTPRoute from all of them to `svc`. */
const gatewayWithRoute = (name: string, created: string, listeners: Record<string, number>, svc: string): string => fixture(name, svc, listeners, { created });

type Condition = { type: string; status: string; reason: string; message: string };

function listenerConditions(tg: StandaloneHarness, gateway: string, listener: string): Condition[] {
  const s = tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: { listeners: Array<{ name: string; conditions: Condition[] }> } }>;
  return s.find((x) => x.kind === 'Gateway' && x.name === gateway)?.status.listeners.find((l) => l.name === listener)?.conditions ?? [];
}

/** Which backend answered each of `REQUESTS` requests to `port`, counted. */
async function backends(port: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < REQUESTS; i++) {
    const r = await httpRequest(port, `/n${i}`, { timeoutMs: 3000 }).catch((err: Error) => ({ status: 0, json: undefined, body: `error ${err.message}` }));
    // An echo backend names itself in JSON; anything else is counted by its body.
    const who = r.status === 200 ? String(r.json?.backend ?? r.body) : `status ${r.status}: ${r.body}`;
    counts[who] = (counts[who] ?? 0) + 1;
  }
  return counts;
}

const serving = async (port: number, backend: string) => (await httpRequest(port, '/', { timeoutMs: 2000 }).catch(() => undefined))?.json?.backend === backend;

beforeAll(async () => {
  [a, b, c] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' }), startEcho({ name: 'c' })]);
});

afterAll(async () => {
  foreign?.kill('SIGKILL');
  for (const tg of harnesses.reverse()) await tg.close();
  await Promise.all([a, b, c].map((s) => s?.close()));
});

const services = () => docs(service('svc-a', [a.port]), service('svc-b', [b.port]), service('svc-c', [c.port]));

describe('two Gateways on one address and port', () => {
  let tg: StandaloneHarness;
  let shared: number, own: number;

  beforeAll(async () => {
    [shared, own] = [await freePort(), await freePort()];
    tg = await startStandalone({
      'class.yaml': GATEWAY_CLASS,
      'services.yaml': services(),
      // The newer Gateway's file sorts first: age decides, not file or name order.
      'a-newer.yaml': gatewayWithRoute('newer', '2026-02-01T00:00:00Z', { web: shared, own }, 'svc-b'),
      'b-older.yaml': gatewayWithRoute('older', '2026-01-01T00:00:00Z', { web: shared }, 'svc-a'),
    });
    harnesses.push(tg);
    await waitFor(async () => (await serving(shared, 'a')) && (await serving(own, 'b')), 30_000, 'both Envoys to serve');
  });

  it("marks the newer Gateway's listener Conflicted, naming the older Gateway", () => {
    expect(listenerConditions(tg, 'newer', 'web')).toContainEqual(
      expect.objectContaining({
        type: 'Conflicted',
        status: 'True',
        reason: 'PortConflict',
        message: `port ${shared} on 127.0.0.1 is taken by the older Gateway default/older (listener web): only one proxy can listen on an address and port, so this listener is not served`,
      }),
    );
    expect(listenerConditions(tg, 'newer', 'own')).toContainEqual(expect.objectContaining({ type: 'Conflicted', status: 'False' }));
    expect(listenerConditions(tg, 'older', 'web')).toContainEqual(expect.objectContaining({ type: 'Conflicted', status: 'False', reason: 'NoConflicts' }));
    expect(tg.errors()).toContainEqual(expect.objectContaining({ object: { kind: 'Gateway', namespace: 'default', name: 'newer' }, path: 'spec.listeners[0].port', code: 'listener-conflict' }));
  });

  it('sends every request on the shared port to the older Gateway, while the newer serves its own port', async () => {
    expect(tg.plane.envoys().map((e) => e.group).sort()).toEqual(['default/newer', 'default/older']);
    expect(await backends(shared)).toEqual({ a: REQUESTS });
    expect(await backends(own)).toEqual({ b: REQUESTS });
  });
});

describe('a Gateway on the default Ingress gateway port', () => {
  let tg: StandaloneHarness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    tg = await startStandalone(
      {
        'class.yaml': GATEWAY_CLASS,
        'services.yaml': services(),
        'gateway.yaml': gatewayWithRoute('gw', '2020-01-01T00:00:00Z', { web: port }, 'svc-a'),
        'ingress.yaml': ingress({ name: 'site', service: 'svc-c' }),
      },
      { ingress: { ingressClass: 'tidegate', httpPort: port, httpsPort: await freePort() } },
    );
    harnesses.push(tg);
    await waitFor(() => serving(port, 'c'), 30_000, 'the Ingress gateway to serve');
  });

  it('leaves the port to the Ingress gateway and marks the Gateway listener Conflicted', async () => {
    expect(listenerConditions(tg, 'gw', 'web')).toContainEqual(
      expect.objectContaining({
        type: 'Conflicted',
        status: 'True',
        reason: 'PortConflict',
        message: expect.stringContaining(`port ${port} on 127.0.0.1 is taken by the default Ingress gateway tidegate/ingress (listener http)`),
      }),
    );
    // Its only listener is conflicted: the Gateway is not accepted and gets no Envoy.
    expect(tg.plane.envoys().map((e) => e.group)).toEqual(['tidegate/ingress']);
    expect(await backends(port)).toEqual({ c: REQUESTS });
  });
});

describe('a port another process holds', () => {
  let tg: StandaloneHarness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    foreign = spawn(process.execPath, ['-e', `require('http').createServer((q, s) => s.end('foreign')).listen(${port}, '127.0.0.1', () => console.log('up'))`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(foreign.stdout!, 'data');
    tg = await startStandalone({ 'class.yaml': GATEWAY_CLASS, 'services.yaml': services(), 'gateway.yaml': gatewayWithRoute('held', '2026-01-01T00:00:00Z', { web: port }, 'svc-a') });
    harnesses.push(tg);
  });

  afterAll(() => {
    foreign?.kill('SIGKILL');
    foreign = undefined;
  });

  it('is an error on the Gateway naming the process, and the Envoy does not share the port', async () => {
    const expected = {
      object: { kind: 'Gateway', namespace: 'default', name: 'held' },
      source: { file: 'gateway.yaml', document: 0 },
      path: 'spec.listeners[0].port',
      code: 'port-in-use',
      message: `port ${port} on 127.0.0.1 is held by another process (pid ${foreign!.pid}, node): proxy group default/held cannot listen there`,
    };
    await waitFor(() => tg.errors().some((e) => JSON.stringify(e) === JSON.stringify(expected)), 20_000, 'the port-in-use error');
    await waitFor(() => tg.plane.envoys()[0]?.pid, 20_000, 'the Envoy to run');
    expect(await backends(port)).toEqual({ foreign: REQUESTS });
  });
});

describe('two Tidegates with a Gateway on the same port', () => {
  let first: StandaloneHarness, second: StandaloneHarness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    first = await startStandalone({ 'class.yaml': GATEWAY_CLASS, 'services.yaml': services(), 'gateway.yaml': gatewayWithRoute('gw', '2026-01-01T00:00:00Z', { web: port }, 'svc-a') });
    harnesses.push(first);
    await waitFor(() => serving(port, 'a'), 30_000, 'the first Tidegate to serve');
    second = await startStandalone({ 'class.yaml': GATEWAY_CLASS, 'services.yaml': services(), 'gateway.yaml': gatewayWithRoute('gw', '2026-01-01T00:00:00Z', { web: port }, 'svc-b') });
    harnesses.push(second);
  });

  it("keeps the second Tidegate's Envoy off the port and says which Envoy holds it", async () => {
    const holder = first.plane.envoys()[0]!.pid!;
    await waitFor(() => second.plane.envoys()[0]?.pid, 20_000, 'the second Envoy to run');
    await waitFor(
      () => second.errors().some((e) => (e as { code: string; message: string }).code === 'port-in-use' && (e as { message: string }).message.includes(`(pid ${holder}, envoy); an Envoy from an earlier run?`)),
      20_000,
      'the port-in-use error in the second Tidegate',
    );
    expect(await backends(port)).toEqual({ a: REQUESTS });
  });
});
