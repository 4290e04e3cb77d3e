// HTTPRoute sessionPersistence (cookie-based) end to end through real Envoy: the gateway sets a cookie
// naming the endpoint, and requests carrying it stay on that endpoint of a two-endpoint Service.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor, type HttpResult } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let a: EchoServer, b: EchoServer;
let tg: StandaloneHarness;
let port: number;

const routes = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [shop.test]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cart } }]
      sessionPersistence: { sessionName: cart-session }
      backendRefs: [{ name: app, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /account } }]
      sessionPersistence: { sessionName: account-session, absoluteTimeout: 1h, cookieConfig: { lifetimeType: Permanent } }
      backendRefs: [{ name: app, port: 80 }]
    - backendRefs: [{ name: app, port: 80 }]
`;

beforeAll(async () => {
  [a, b] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' })]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    // One Service, two endpoints: the session picks among them.
    'services.yaml': service('app', [a.port, b.port]),
    'routes.yaml': routes,
  });
  expect(tg.errors()).toEqual([]);
  // Both endpoints known to Envoy before measuring.
  const seen = new Set<string>();
  await waitFor(async () => {
    seen.add((await get('/'))?.json?.backend);
    return seen.has('a') && seen.has('b');
  }, 20_000, 'both endpoints to serve');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([a?.close(), b?.close()]);
});

const get = (path: string, cookie?: string): Promise<HttpResult> =>
  httpRequest(port, path, { host: 'shop.test', ...(cookie ? { headers: { cookie } } : {}) });

/** The `name=value` part and the attributes of the Set-Cookie for `name`. */
function setCookie(r: HttpResult, name: string): { pair: string; attributes: string[] } | undefined {
  const line = (r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  return { pair: pair as string, attributes };
}

it('sets a session cookie on the first request and keeps every later request of the session on its endpoint', async () => {
  const first = await get('/cart/items');
  const cookie = setCookie(first, 'cart-session');
  expect(cookie).toBeDefined();
  // A session cookie (no lifetime), scoped to the rule's path.
  expect(cookie!.attributes).toContain('Path=/cart');
  expect(cookie!.attributes.some((x) => /^(Max-Age|Expires)=/i.test(x))).toBe(false);
  const backend = first.json.backend as string;
  const later: string[] = [];
  for (let i = 0; i < 20; i++) later.push((await get('/cart/items', cookie!.pair)).json.backend);
  expect(later).toEqual(Array(20).fill(backend));
});

it('without the cookie, requests are balanced over both endpoints (and a route without persistence sets none)', async () => {
  const backends = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const r = await get('/other');
    expect(r.headers['set-cookie']).toBeUndefined();
    backends.add(r.json.backend);
  }
  expect([...backends].sort()).toEqual(['a', 'b']);
});

it('a session pinned to the other endpoint stays there too', async () => {
  // Fresh sessions until one lands on each endpoint; each then sticks to its own.
  const sessions = new Map<string, string>();
  for (let i = 0; i < 20 && sessions.size < 2; i++) {
    const r = await get('/cart');
    sessions.set(r.json.backend, setCookie(r, 'cart-session')!.pair);
  }
  expect([...sessions.keys()].sort()).toEqual(['a', 'b']);
  for (const [backend, pair] of sessions) {
    for (let i = 0; i < 5; i++) expect((await get('/cart', pair)).json.backend).toBe(backend);
  }
});

it('a Permanent session cookie carries absoluteTimeout as its lifetime', async () => {
  const cookie = setCookie(await get('/account'), 'account-session');
  expect(cookie?.attributes).toEqual(expect.arrayContaining(['Path=/account', 'Max-Age=3600']));
});
