// Host-scoped routes over xDS: an Ingress listener served as one route configuration per host
// (scoped RDS) by a real Envoy, on both xDS variants: routing by Host, changes to one host,
// hosts added and removed, and the switch to a single route configuration and back when a
// wildcard host comes and goes.
import { TypeUrl } from '@tidegate/envoy-api';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { docs, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { higress, ingress } from './support/ingress';
import { startLoad } from './support/load';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(90_000);

/** The proxy group serving Ingresses. */
const GROUP = 'tidegate/ingress';
const EXACT = [ingress({ name: 'shop', host: 'shop.example.com', service: 'a' }), ingress({ name: 'api', host: 'api.example.com', service: 'b' }), ingress({ name: 'new', host: 'new.example.com', service: 'b' })];

const ingresses = (extra: string[] = []) =>
  docs(
    ingress({ name: 'shop', host: 'shop.example.com', service: 'a', annotations: { [higress('request-header-control-add')]: 'x-tenant shop' } }),
    ingress({ name: 'api', host: 'api.example.com', service: 'b' }),
    ingress({ name: 'docs', host: 'docs.example.com', service: 'a' }),
    ...extra,
  );

describe.each(['delta', 'sotw'] as const)('scoped routes over %s xDS', (protocol) => {
  let a: EchoServer, b: EchoServer;
  let tg: StandaloneHarness;
  let port: number;
  const get = (host: string, path = '/') => httpRequest(port, path, { host });
  const backendOf = async (host: string, path = '/') => (await get(host, path)).json?.backend as string | undefined;

  /** The scope names (listener/host) of the published snapshot, as hosts. */
  const scopeKeys = () =>
    [...(tg.plane.cache.get(GROUP)?.get(TypeUrl.ScopedRouteConfiguration)?.keys() ?? [])].map((name) => name.slice(name.lastIndexOf('/') + 1)).sort();

  /** SRDS and RDS applied (acknowledged, nothing rejected) by the one Envoy. */
  const scopedAndAcked = () =>
    tg.plane.xds.syncStatus().filter((s) => s.type === 'SRDS' || s.type === 'RDS').every((s) => !s.pending && !s.lastNack && s.versionAcked === s.versionSent);

  beforeAll(async () => {
    [a, b] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' })]);
    port = await freePort();
    tg = await startStandalone(
      { 'services.yaml': docs(service('a', [a.port]), service('b', [b.port])), 'ingresses.yaml': ingresses() },
      {
        protocol,
        ingress: { ingressClass: 'tidegate', httpPort: port, httpsPort: await freePort() },
        envoyTranslation: { scopedRoutesMinHosts: 3 },
        // Switching modes replaces the listener; connections move over while the old one drains.
        drainSeconds: 2,
      },
    );
    expect(tg.errors()).toEqual([]);
    await waitFor(async () => (await get('shop.example.com')).status === 200, 20_000, 'Envoy to serve');
  });

  afterAll(async () => {
    await tg?.close();
    await Promise.all([a, b].map((s) => s?.close()));
  });

  it('subscribes to scoped routes and routes each host through its own scope', async () => {
    await waitFor(scopedAndAcked, 5000, 'SRDS and RDS acknowledged');
    expect(tg.plane.xds.syncStatus().some((s) => s.type === 'SRDS' && s.versionAcked !== '')).toBe(true);
    const shop = await get('shop.example.com');
    expect(shop.json.backend).toBe('a');
    expect(shop.json.headers['x-tenant']).toBe('shop');
    expect(await backendOf('api.example.com')).toBe('b');
    expect(await backendOf(`docs.example.com:${port}`)).toBe('a');
    expect(scopeKeys()).toEqual(['api.example.com', 'docs.example.com', 'shop.example.com']);
    expect((await get('elsewhere.example.com')).status).toBe(404);
  });

  it('applies a change to one host while the others keep their routes', async () => {
    await tg.write('ingresses.yaml', ingresses([ingress({ name: 'api-v2', host: 'api.example.com', service: 'a', paths: [['/v2', 'Prefix', 'a', 80]] })]));
    await waitFor(async () => (await backendOf('api.example.com', '/v2')) === 'a', 5000, '/v2 on api served');
    expect(await backendOf('api.example.com', '/v1')).toBe('b');
    expect(await backendOf('shop.example.com')).toBe('a');
  });

  it('serves a new host and stops serving a removed one', async () => {
    await tg.write('ingresses.yaml', ingresses([ingress({ name: 'new', host: 'new.example.com', service: 'b' })]));
    await waitFor(async () => (await backendOf('new.example.com')) === 'b', 5000, 'new host served');
    expect(scopeKeys()).toEqual(['api.example.com', 'docs.example.com', 'new.example.com', 'shop.example.com']);
    await tg.write('ingresses.yaml', docs(...EXACT));
    await waitFor(async () => (await get('docs.example.com')).status === 404, 5000, 'removed host answers 404');
    expect(await backendOf('new.example.com')).toBe('b');
    await waitFor(scopedAndAcked, 5000, 'SRDS and RDS acknowledged');
  });

  it('falls back to one route configuration while a wildcard host exists, and back to scopes after, failing no request', async () => {
    const load = startLoad({ port, host: 'shop.example.com', path: '/', concurrency: 2, maxDurationMs: 20_000, maxRequests: 50_000 });
    await tg.write('ingresses.yaml', docs(...EXACT, ingress({ name: 'tenants', host: '*.tenants.example.com', service: 'b' })));
    expect(tg.errors()).toEqual([]);
    await waitFor(async () => (await backendOf('x.tenants.example.com')) === 'b', 10_000, 'wildcard host served');
    expect(scopeKeys()).toEqual([]);
    expect(await backendOf('shop.example.com')).toBe('a');
    await tg.write('ingresses.yaml', docs(...EXACT));
    await waitFor(async () => (await get('x.tenants.example.com')).status === 404, 10_000, 'wildcard host gone');
    expect(await backendOf('shop.example.com')).toBe('a');
    expect(await backendOf('api.example.com')).toBe('b');
    expect(scopeKeys()).toEqual(['api.example.com', 'new.example.com', 'shop.example.com']);
    await waitFor(scopedAndAcked, 5000, 'SRDS and RDS acknowledged');
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(50);
  });
});
