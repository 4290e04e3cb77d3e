// Nacos service discovery end to end: a real r-nacos, an McpBridge, an HTTPRoute to a registry host, real Envoy.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startLoad } from './support/load';
import { InstanceKeeper, countBackends, envoyHosts, hostnameRoute, mcpBridge, startRnacos, type RnacosServer } from './support/registry';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(120_000);

const HOST = 'orders.DEFAULT-GROUP.public.nacos';
const POLLED_HOST = 'orders.DEFAULT-GROUP.polled-ns.nacos';
let nacos: RnacosServer;
let tg: StandaloneHarness;
let keeper: InstanceKeeper;
let port: number;
const echoes: EchoServer[] = [];

const inst = (e: EchoServer, extra: { weight?: number; enabled?: boolean } = {}) => ({ service: 'orders', ip: '127.0.0.1', port: e.port, ...extra });
const adminAddress = () => waitFor(() => tg.plane.envoys()[0]?.adminAddress, 10_000, 'Envoy admin address');
/** Ports (and weights) Envoy routes to for the registry host. */
const envoyView = async () => (await envoyHosts(await adminAddress(), HOST)).map((h) => `${h.port}:${h.weight}`).join(',');
const view = (...pairs: Array<[EchoServer, number]>) => pairs.map(([e, w]) => `${e.port}:${w}`).sort().join(',');
const sortedView = async () => (await envoyView()).split(',').filter(Boolean).sort().join(',');

beforeAll(async () => {
  // Unhealthy 4 s after the last beat (r-nacos adds 3 s); instances are never removed during the test.
  nacos = await startRnacos({ healthTimeoutSeconds: 1, instanceTimeoutSeconds: 600 });
  for (const name of ['a', 'b', 'c']) echoes.push(await startEcho({ name }));
  keeper = new InstanceKeeper(nacos.client(), 500);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'bridge.yaml': mcpBridge(nacos, { type: 'nacos2', refreshMs: 500 }),
    'route.yaml': hostnameRoute('orders', 'gw', HOST),
    // A second registry on the same server, 1.x HTTP polling only, reading another namespace.
    'polled.yaml': docs(
      mcpBridge(nacos, { bridge: 'polled', name: 'polled', type: 'nacos', refreshMs: 300, namespaceId: 'polled-ns' }),
      hostnameRoute('polled', 'gw', POLLED_HOST, { path: '/polled' }),
    ),
  });
});

afterAll(async () => {
  keeper?.stop();
  await tg?.close();
  await nacos?.close();
  for (const e of echoes) await e.close();
});

describe('Nacos registry → Envoy', () => {
  it('routes to instances registered through the Nacos API', async () => {
    const [a, b] = echoes as [EchoServer, EchoServer];
    await keeper.register(inst(a, { weight: 2 }));
    await keeper.register(inst(b, { weight: 2 }));
    await waitFor(async () => (await sortedView()) === view([a, 200], [b, 200]), 20_000, 'both instances in Envoy');
    // nacos2: changes arrive by 2.x gRPC push (the refresh only lists services).
    expect(tg.plane.registryStatus().find((s) => s.key === 'higress-system/default/test-nacos')?.mode).toBe('push');
    const seen = new Set<string>();
    await waitFor(async () => {
      const r = await httpRequest(port, '/orders');
      if (r.status === 200) seen.add(r.json.backend);
      return seen.size === 2;
    }, 10_000, 'answers from a and b');
    // Only the polled registry's route is unresolved (its service does not exist yet).
    expect((tg.errors() as Array<{ object: { name: string } }>).filter((e) => e.object.name !== 'polled')).toEqual([]);
  });

  it('follows weight changes: the traffic split matches within 5% over 1,000 requests', async () => {
    const [a, b] = echoes as [EchoServer, EchoServer];
    // (r-nacos ignores an update to weight exactly 1.0, so the test uses other weights.)
    await keeper.update(inst(a, { weight: 2 }));
    await keeper.update(inst(b, { weight: 8 }));
    await waitFor(async () => (await sortedView()) === view([a, 200], [b, 800]), 20_000, 'weights 2:8 in Envoy');
    let counts = await countBackends(port, '/orders', 1000);
    expect(Math.abs((counts.a ?? 0) / 1000 - 0.2)).toBeLessThanOrEqual(0.05);
    expect(Math.abs((counts.b ?? 0) / 1000 - 0.8)).toBeLessThanOrEqual(0.05);

    await keeper.update(inst(a, { weight: 9 }));
    await keeper.update(inst(b, { weight: 3 }));
    await waitFor(async () => (await sortedView()) === view([a, 900], [b, 300]), 20_000, 'weights 9:3 in Envoy');
    counts = await countBackends(port, '/orders', 1000);
    expect(Math.abs((counts.a ?? 0) / 1000 - 0.75)).toBeLessThanOrEqual(0.05);
    expect(Math.abs((counts.b ?? 0) / 1000 - 0.25)).toBeLessThanOrEqual(0.05);
  });

  it('sends nothing to disabled, unhealthy or deregistered instances', async () => {
    const [a, b, c] = echoes as [EchoServer, EchoServer, EchoServer];
    await keeper.register(inst(c, { weight: 2 }));
    await waitFor(async () => (await sortedView()) === view([a, 900], [b, 300], [c, 200]), 20_000, 'c joins');

    await keeper.update(inst(c, { enabled: false }));
    await waitFor(async () => (await sortedView()) === view([a, 900], [b, 300]), 20_000, 'disabled c leaves');
    let counts = await countBackends(port, '/orders', 200);
    expect(counts.c).toBeUndefined();

    await keeper.update(inst(c, { enabled: true }));
    await waitFor(async () => (await sortedView()) === view([a, 900], [b, 300], [c, 200]), 20_000, 'enabled c is back');
    keeper.silence(inst(c)); // no more heartbeats: r-nacos marks c unhealthy
    await waitFor(async () => (await sortedView()) === view([a, 900], [b, 300]), 30_000, 'unhealthy c leaves');
    counts = await countBackends(port, '/orders', 200);
    expect(counts.c).toBeUndefined();

    await keeper.deregister(inst(a));
    await waitFor(async () => (await sortedView()) === view([b, 300]), 20_000, 'deregistered a leaves');
    counts = await countBackends(port, '/orders', 200);
    expect(counts).toEqual({ b: 200 });
  });

  it('keeps serving while Nacos is down (zero failed requests), shows it stale, and follows changes once it is back', async () => {
    const [a, b] = echoes as [EchoServer, EchoServer];
    await keeper.register(inst(a, { weight: 3 }));
    await waitFor(async () => (await sortedView()) === view([a, 300], [b, 300]), 20_000, 'a is back');
    const load = startLoad({ port, path: '/orders', concurrency: 4, maxDurationMs: 20_000, maxRequests: 200_000 });
    await new Promise((r) => setTimeout(r, 300));
    // No heartbeats while the server is down or starting; they resume once it is ready.
    keeper.stop();
    await nacos.stop({ hard: true });
    // This registry's own status (the polled registry on the same server may go stale first).
    await waitFor(() => tg.plane.registryStatus().find((s) => s.key === 'higress-system/default/test-nacos' && s.stale), 15_000, 'registry marked stale');
    const admin = await httpRequest(tg.plane.adminPort, '/debug/registries');
    expect(admin.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'higress-system/default/test-nacos', stale: true, mode: 'poll' })]),
    );
    const metrics = await httpRequest(tg.plane.adminPort, '/metrics');
    expect(metrics.body).toMatch(/tidegate_registry_stale\{registry="higress-system\/default\/test-nacos"\} 1/);
    // Several refresh intervals with the registry gone: the endpoints stay.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await sortedView()).toBe(view([a, 300], [b, 300]));
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(50);

    // Back with an empty store: ephemeral instances died with the server anyway, as in real Nacos.
    await nacos.start({ freshData: true });
    await keeper.reregisterAll();
    keeper.resume();
    await keeper.update(inst(b, { weight: 6 }));
    await waitFor(async () => (await sortedView()) === view([a, 300], [b, 600]), 30_000, 'a change after the restart');
    await waitFor(() => tg.plane.registryStatus().every((s) => !s.stale), 15_000, 'registry fresh again');
    await waitFor(() => tg.plane.registryStatus().find((s) => s.key === 'higress-system/default/test-nacos')?.mode === 'push', 15_000, 'push again');
  });

  it('a 1.x (polling) registry reads its own namespace', async () => {
    const [, , c] = echoes as [EchoServer, EchoServer, EchoServer];
    expect((await httpRequest(port, '/polled')).status).toBe(500); // no such service yet
    await nacos.client().registerInstance({ namespaceId: 'polled-ns', service: 'orders', ip: '127.0.0.1', port: c.port, ephemeral: false });
    const r = await waitFor(async () => {
      const res = await httpRequest(port, '/polled');
      return res.status === 200 ? res : undefined;
    }, 20_000, 'the polled registry host');
    expect(r.json.backend).toBe('c');
    expect(tg.plane.registryStatus().find((s) => s.key === 'higress-system/polled/polled')).toMatchObject({ mode: 'poll', stale: false, services: 1 });
  });
});
