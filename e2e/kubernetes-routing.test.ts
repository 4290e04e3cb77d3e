// Tidegate watching a real kube-apiserver: Ingress and HTTPRoute served by real Envoy, status written back, API server restarts.
import { freePort, httpRequest, waitFor } from './support/http';
import { k8s, startKubeApiServer, startKubeTidegate, type KubeApiServer, type KubeTidegate } from './support/kube';
import { startLoad } from './support/load';
import { createTestHost, type TestHost, type TestHostEcho } from './support/test-host';

jest.setTimeout(90_000);

const GW = 'gateway.networking.k8s.io/v1';
type Condition = { type: string; status: string; reason: string; lastTransitionTime?: string; observedGeneration?: number };

let api: KubeApiServer;
let tidegate: KubeTidegate;
// The backend runs on a test host: EndpointSlices may not hold loopback addresses.
let backendHost: TestHost;
let echo: TestHostEcho;
let gatewayPort: number;
let ingressPort: number;

const routeRules = (prefix: string) => [{ matches: [{ path: { type: 'PathPrefix', value: prefix } }], backendRefs: [{ name: 'echo', port: 80 }] }];

beforeAll(async () => {
  [gatewayPort, ingressPort] = [await freePort(), await freePort()];
  const httpsPort = await freePort();
  backendHost = await createTestHost();
  echo = await backendHost.startEcho('echo');
  api = await startKubeApiServer();
  await api.apply(
    k8s.gatewayClass(),
    k8s.gateway('gw', gatewayPort),
    ...k8s.serviceWithEndpoints('echo', backendHost.address, echo.port),
    k8s.ingressClass(),
  );
  tidegate = await startKubeTidegate(api, { ingress: { httpPort: ingressPort, httpsPort } });
}, 120_000);

afterAll(async () => {
  await tidegate?.close();
  await api?.stop();
  await backendHost?.close();
});

const get = (port: number, host: string, path = '/') => httpRequest(port, path, { host, timeoutMs: 3000 }).catch(() => undefined);

it('serves an HTTPRoute created in the API server, follows updates, and drops it when deleted', async () => {
  await api.apply(k8s.httpRoute('web', 'gw', 'web.example.com', routeRules('/')));
  const first = await waitFor(async () => {
    const r = await get(gatewayPort, 'web.example.com', '/hello');
    return r?.status === 200 ? r : undefined;
  }, 30_000, 'the HTTPRoute to be served');
  expect(first.json).toMatchObject({ backend: 'echo', path: '/hello', host: 'web.example.com' });

  // Update: only /v2 now.
  await api.apply(k8s.httpRoute('web', 'gw', 'web.example.com', routeRules('/v2')));
  await waitFor(async () => (await get(gatewayPort, 'web.example.com', '/hello'))?.status === 404, 30_000, '/hello to stop matching');
  expect((await get(gatewayPort, 'web.example.com', '/v2/x'))?.status).toBe(200);

  await api.remove({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'default' } });
  await waitFor(async () => (await get(gatewayPort, 'web.example.com', '/v2/x'))?.status === 404, 30_000, 'the deleted route to go');
});

it('serves an Ingress created in the API server, follows updates, and drops it when deleted', async () => {
  await api.apply(k8s.ingress('shop', 'shop.example.com', 'echo'));
  const first = await waitFor(async () => {
    const r = await get(ingressPort, 'shop.example.com', '/cart');
    return r?.status === 200 ? r : undefined;
  }, 30_000, 'the Ingress to be served');
  expect(first.json).toMatchObject({ backend: 'echo', path: '/cart' });

  await api.apply(k8s.ingress('shop', 'shop.example.com', 'echo', '/v2'));
  await waitFor(async () => (await get(ingressPort, 'shop.example.com', '/cart'))?.status === 404, 30_000, '/cart to stop matching');
  expect((await get(ingressPort, 'shop.example.com', '/v2/cart'))?.status).toBe(200);

  await api.remove({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: 'default' } });
  // With no Ingress left the default gateway has nothing to serve: 404, or no listener at all.
  await waitFor(async () => [404, undefined].includes((await get(ingressPort, 'shop.example.com', '/v2/cart'))?.status), 30_000, 'the deleted Ingress to go');
});

it('writes Gateway, HTTPRoute and Ingress status with the right conditions', async () => {
  await api.apply(k8s.httpRoute('status', 'gw', 'status.example.com', routeRules('/')), k8s.ingress('status', 'status.example.com', 'echo'));
  const gw = await waitFor(async () => {
    const o = await api.get(GW, 'Gateway', 'gw', 'default');
    const s = o?.status as { conditions?: Condition[]; listeners?: Array<{ name: string; attachedRoutes: number; conditions: Condition[] }>; addresses?: unknown[] } | undefined;
    const programmed = s?.conditions?.find((c) => c.type === 'Programmed');
    return programmed?.status === 'True' && s?.listeners?.[0]?.attachedRoutes === 1 ? { s, generation: (o!.metadata as { generation: number }).generation } : undefined;
  }, 30_000, 'Gateway status');
  expect(gw.s.conditions!.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted', observedGeneration: gw.generation });
  for (const c of gw.s.conditions!) expect(c.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(gw.s.listeners![0]!.conditions.find((c) => c.type === 'ResolvedRefs')?.status).toBe('True');
  expect(gw.s.addresses).toEqual([{ type: 'IPAddress', value: '127.0.0.1' }]);

  const route = await waitFor(async () => {
    const s = (await api.get(GW, 'HTTPRoute', 'status', 'default'))?.status as { parents?: Array<{ controllerName: string; parentRef: { name: string }; conditions: Condition[] }> } | undefined;
    return s?.parents?.length ? s : undefined;
  }, 30_000, 'HTTPRoute status');
  expect(route.parents).toHaveLength(1);
  expect(route.parents![0]).toMatchObject({ controllerName: 'tidegate.io/gateway-controller', parentRef: { name: 'gw' } });
  expect(route.parents![0]!.conditions.map((c) => [c.type, c.status]).sort()).toEqual([['Accepted', 'True'], ['ResolvedRefs', 'True']]);

  const ingress = await waitFor(async () => {
    const s = (await api.get('networking.k8s.io/v1', 'Ingress', 'status', 'default'))?.status as { loadBalancer?: { ingress?: unknown[] } } | undefined;
    return s?.loadBalancer?.ingress?.length ? s : undefined;
  }, 30_000, 'Ingress status');
  expect(ingress).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });

  // A route naming a missing backend: ResolvedRefs False, with a fresh transition time.
  await api.apply(k8s.httpRoute('status', 'gw', 'status.example.com', [{ backendRefs: [{ name: 'missing', port: 80 }] }]));
  const broken = await waitFor(async () => {
    const s = (await api.get(GW, 'HTTPRoute', 'status', 'default'))?.status as { parents?: Array<{ conditions: Condition[] }> } | undefined;
    const c = s?.parents?.[0]?.conditions.find((x) => x.type === 'ResolvedRefs');
    return c?.status === 'False' ? c : undefined;
  }, 30_000, 'ResolvedRefs False');
  expect(broken.reason).toBe('BackendNotFound');
  await api.remove({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'status', namespace: 'default' } });
  await api.remove({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'status', namespace: 'default' } });
});

it('keeps serving with zero failed requests while the API server restarts, and picks up changes after', async () => {
  await api.apply(k8s.httpRoute('steady', 'gw', 'steady.example.com', routeRules('/')), k8s.ingress('steady', 'steady.example.com', 'echo'));
  await waitFor(async () => (await get(gatewayPort, 'steady.example.com'))?.status === 200, 30_000, 'the route');
  await waitFor(async () => (await get(ingressPort, 'steady.example.com'))?.status === 200, 30_000, 'the Ingress');
  const routeLoad = startLoad({ port: gatewayPort, path: '/', host: 'steady.example.com', concurrency: 2, maxDurationMs: 60_000, maxRequests: 20_000 });
  const ingressLoad = startLoad({ port: ingressPort, path: '/', host: 'steady.example.com', concurrency: 2, maxDurationMs: 60_000, maxRequests: 20_000 });
  // Every resource Envoy is told about, by proxy group; checked at every publish during the restart.
  const served = (): string[] =>
    tidegate.plane.cache.groups().flatMap((g) => [...(tidegate.plane.cache.get(g)?.entries() ?? [])].flatMap(([type, byName]) => [...byName.keys()].map((n) => `${g} ${type} ${n}`)));
  const before = served();
  const missing = new Set<string>();
  const watch = tidegate.plane.published.subscribe(() => {
    const now = new Set(served());
    for (const r of before) if (!now.has(r)) missing.add(r);
  });

  await api.restart({ downMs: 2000 });
  // Some requests after the API server is back, while informers resume or relist.
  await new Promise((r) => setTimeout(r, 2000));
  const [routes, ingresses] = await Promise.all([routeLoad.stop(), ingressLoad.stop()]);
  expect(routes.failures).toEqual([]);
  expect(ingresses.failures).toEqual([]);
  expect(routes.ok).toBeGreaterThan(20);
  expect(ingresses.ok).toBeGreaterThan(20);
  watch.unsubscribe();
  // Nothing was removed from what Envoy is told, at any publish.
  expect([...missing]).toEqual([]);
  expect(served()).toEqual(expect.arrayContaining(before));

  // The watches are live again.
  await api.apply(k8s.httpRoute('after', 'gw', 'after.example.com', routeRules('/')));
  await waitFor(async () => (await get(gatewayPort, 'after.example.com'))?.status === 200, 30_000, 'a route created after the restart');
});

it('keeps the last valid version of a Gateway edited to protocol HTTPX and of a route edited with a bad regex serving; the status written says so', async () => {
  const port = await freePort();
  const gateway = (protocol: string) => {
    const g = k8s.gateway('typo-gw', port);
    g.spec.listeners[0]!.protocol = protocol;
    return g;
  };
  const route = (value: string, type = 'PathPrefix') => k8s.httpRoute('typo', 'typo-gw', 'typo.example.com', [{ matches: [{ path: { type, value } }], backendRefs: [{ name: 'echo', port: 80 }] }]);
  await api.apply(gateway('HTTP'), route('/v1'));
  await waitFor(async () => (await get(port, 'typo.example.com', '/v1'))?.status === 200, 30_000, 'the route to be served');

  // Both typos pass the API server's validation (any protocol name, any regex string).
  await api.apply(gateway('HTTPX'), route('/v2-(', 'RegularExpression'));
  type Status = { conditions?: Array<Condition & { message: string }>; listeners?: Array<{ conditions: Condition[] }>; parents?: Array<{ conditions: Array<Condition & { message: string }> }> };
  const statusOf = async (kind: string, name: string) => {
    const o = await api.get(GW, kind, name, 'default');
    return { s: o?.status as Status | undefined, generation: (o?.metadata as { generation?: number } | undefined)?.generation };
  };
  const gw = await waitFor(async () => {
    const { s, generation } = await statusOf('Gateway', 'typo-gw');
    const listener = s?.listeners?.[0]?.conditions.find((c) => c.type === 'Accepted');
    return listener?.reason === 'UnsupportedProtocol' && listener.observedGeneration === generation ? s : undefined;
  }, 30_000, 'the Gateway status of the new version');
  const accepted = await waitFor(async () => {
    const c = (await statusOf('HTTPRoute', 'typo')).s?.parents?.[0]?.conditions.find((x) => x.type === 'Accepted');
    return c?.status === 'False' ? c : undefined;
  }, 30_000, 'the HTTPRoute status of the new version');
  // Traffic keeps the last valid versions: the HTTP listener and the /v1 rule.
  await new Promise((r) => setTimeout(r, 1500));
  expect((await get(port, 'typo.example.com', '/v1'))?.status).toBe(200);
  expect(gw.conditions?.find((c) => c.type === 'Accepted')?.message).toMatch(/serving the last valid version of Gateway default\/typo-gw/);
  expect(accepted.message).toMatch(/serving the last valid version of HTTPRoute default\/typo/);

  await api.apply(gateway('HTTP'), route('/v3'));
  await waitFor(async () => (await get(port, 'typo.example.com', '/v3'))?.status === 200, 30_000, 'the fixed route to be served');
  expect((await get(port, 'typo.example.com', '/v1'))?.status).toBe(404);
  await api.remove({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'typo', namespace: 'default' } });
  await api.remove({ apiVersion: GW, kind: 'Gateway', metadata: { name: 'typo-gw', namespace: 'default' } });
});

it('applies a SecurityPolicy from the API server: its CRD takes it, the JWKS Secret it names is read, a missing one fails closed, status is written', async () => {
  const jwks = '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"k1"}]}';
  const policy = (secret: string) => ({
    apiVersion: 'tidegate.io/v1alpha1',
    kind: 'SecurityPolicy',
    metadata: { name: 'jwt', namespace: 'default' },
    spec: { targetRefs: [{ kind: 'HTTPRoute', name: 'secured' }], jwt: { providers: [{ name: 'idp', localJWKS: { secretRef: { name: secret, key: 'jwks.json' } } }] } },
  });
  const accepted = async () => ((await api.get('tidegate.io/v1alpha1', 'SecurityPolicy', 'jwt', 'default'))?.status as { conditions?: Condition[] } | undefined)?.conditions?.[0];
  await api.apply(
    k8s.httpRoute('secured', 'gw', 'secured.example.com', routeRules('/')),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'jwks', namespace: 'default' }, stringData: { 'jwks.json': jwks } },
    policy('jwks'),
  );
  const refused = await waitFor(async () => {
    const r = await get(gatewayPort, 'secured.example.com');
    return r?.status === 401 ? r : undefined;
  }, 30_000, 'the policy to guard the route');
  expect(String(refused.headers['www-authenticate'])).toMatch(/^Bearer /);
  await waitFor(async () => (await accepted())?.status === 'True', 30_000, 'SecurityPolicy status Accepted');

  await api.apply(policy('no-such-secret'));
  const invalid = await waitFor(async () => {
    const c = await accepted();
    return c?.reason === 'Invalid' ? c : undefined;
  }, 30_000, 'SecurityPolicy status Invalid');
  expect(invalid).toMatchObject({ status: 'False', message: expect.stringContaining('spec.jwt.providers[0].localJWKS.secretRef') });
  expect((await get(gatewayPort, 'secured.example.com'))?.status).toBe(401);
});

it('applies a SecurityPolicy apiKey from the API server: its CRD takes it, and the key is read from the Secret it names, created later', async () => {
  const withKey = (key?: string) => httpRequest(gatewayPort, '/', { host: 'keyed.example.com', timeoutMs: 3000, headers: key ? { 'x-api-key': key } : {} }).catch(() => undefined);
  await api.apply(k8s.httpRoute('keyed', 'gw', 'keyed.example.com', routeRules('/')), {
    apiVersion: 'tidegate.io/v1alpha1',
    kind: 'SecurityPolicy',
    metadata: { name: 'keys', namespace: 'default' },
    spec: { targetRefs: [{ kind: 'HTTPRoute', name: 'keyed' }], apiKey: { credentials: [{ name: 'alice', secretRef: { name: 'alice-key' } }], keys: [{ header: 'x-api-key' }] } },
  });
  await waitFor(async () => (await withKey('k-0123456789'))?.status === 401, 30_000, 'the policy to fail closed without its Secret');
  await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'alice-key', namespace: 'default' }, stringData: { key: 'k-0123456789' } });
  const ok = await waitFor(async () => {
    const r = await withKey('k-0123456789');
    return r?.status === 200 ? r : undefined;
  }, 30_000, 'the key from the Secret to be accepted');
  expect((ok.json as { headers: Record<string, unknown> }).headers['x-mse-consumer']).toBe('alice');
  expect((await withKey())?.status).toBe(401);
  expect((await withKey('wrong'))?.status).toBe(401);
});
