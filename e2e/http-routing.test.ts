// Route features end to end: real Envoy, real echo backends, configuration from a watched directory.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let a: EchoServer, b: EchoServer, mirror: EchoServer;
let tg: StandaloneHarness;
let port: number;

const routes = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: features, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: ["app.test"]
  rules:
    - matches: [{ path: { type: Exact, value: /exact } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /prefix } }]
      backendRefs: [{ name: svc-b, port: 80 }]
    - matches: [{ path: { type: RegularExpression, value: "/re/[0-9]+" } }]
      backendRefs: [{ name: svc-b, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /hdr }, headers: [{ name: x-team, value: blue }] }]
      backendRefs: [{ name: svc-b, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /hdr } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /q }, queryParams: [{ name: v, value: "2" }] }]
      backendRefs: [{ name: svc-b, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /q } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /m }, method: POST }]
      backendRefs: [{ name: svc-b, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /m } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /weighted } }]
      backendRefs: [{ name: svc-a, port: 80, weight: 70 }, { name: svc-b, port: 80, weight: 30 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: features-2, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: ["app.test"]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /old } }]
      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /new } } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /full } }]
      filters: [{ type: URLRewrite, urlRewrite: { hostname: rewritten.test, path: { type: ReplaceFullPath, replaceFullPath: /replaced } } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /regex-rewrite } }]
      filters: [{ type: ExtensionRef, extensionRef: { group: tidegate.io, kind: HTTPRouteFilter, name: strip-version } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /headers } }]
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier:
            add: [{ name: x-added, value: one }]
            set: [{ name: x-set, value: two }]
            remove: [x-remove-me]
        - type: ResponseHeaderModifier
          responseHeaderModifier:
            add: [{ name: x-resp-added, value: three }]
            remove: [x-echo-backend]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /redirect } }]
      filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, hostname: secure.test, port: 8443, statusCode: 301, path: { type: ReplaceFullPath, replaceFullPath: /landing } } }]
    - matches: [{ path: { type: PathPrefix, value: /found } }]
      filters: [{ type: RequestRedirect, requestRedirect: { hostname: other.test } }]
    - matches: [{ path: { type: PathPrefix, value: /to-https } }]
      filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, statusCode: 308 } }]
    - matches: [{ path: { type: PathPrefix, value: /direct } }]
      filters: [{ type: ExtensionRef, extensionRef: { group: tidegate.io, kind: HTTPRouteFilter, name: teapot } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: features-3, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: ["app.test"]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /mirrored } }]
      filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: svc-mirror, port: 80 }, percent: 100 } }]
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /slow } }]
      timeouts: { request: 300ms }
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /flaky } }]
      retry: { attempts: 3, codes: [503], backoff: 10ms }
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /per-try } }]
      timeouts: { request: 5s, backendRequest: 200ms }
      retry: { attempts: 2, codes: [503] }
      backendRefs: [{ name: svc-a, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /missing-backend } }]
      backendRefs: [{ name: does-not-exist, port: 80 }]
---
apiVersion: tidegate.io/v1alpha1
kind: HTTPRouteFilter
metadata: { name: strip-version, namespace: default }
spec:
  regexRewrite: { pattern: "^/regex-rewrite/v[0-9]+/(.*)$", substitution: "/\\\\1" }
---
apiVersion: tidegate.io/v1alpha1
kind: HTTPRouteFilter
metadata: { name: teapot, namespace: default }
spec:
  directResponse: { statusCode: 418, body: "short and stout", contentType: text/plain }
`;

beforeAll(async () => {
  [a, b, mirror] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' }), startEcho({ name: 'mirror' })]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(service('svc-a', [a.port]), service('svc-b', [b.port]), service('svc-mirror', [mirror.port])),
    'routes.yaml': routes,
  });
  // The one deliberate mistake: a rule whose Service does not exist.
  expect(tg.errors()).toEqual([expect.objectContaining({ code: 'backend-not-found', path: 'spec.rules[4].backendRefs[0]' })]);
  await waitFor(async () => (await get('/exact')).status === 200, 20_000, 'Envoy to serve the routes');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([a, b, mirror].map((s) => s?.close()));
});

const get = (path: string, opts: Parameters<typeof httpRequest>[2] = {}) => httpRequest(port, path, { host: 'app.test', ...opts });
const backendOf = async (path: string, opts: Parameters<typeof httpRequest>[2] = {}) => (await get(path, opts)).json?.backend;

describe('matching', () => {
  it('exact path matches only the exact path', async () => {
    expect(await backendOf('/exact')).toBe('a');
    expect((await get('/exact/more')).status).toBe(404);
  });

  it('prefix and regex paths', async () => {
    expect(await backendOf('/prefix/x')).toBe('b');
    expect(await backendOf('/re/123')).toBe('b');
    expect((await get('/re/abc')).status).toBe(404);
  });

  it('header, query parameter and method matches pick the more specific rule', async () => {
    expect(await backendOf('/hdr', { headers: { 'x-team': 'blue' } })).toBe('b');
    expect(await backendOf('/hdr', { headers: { 'x-team': 'red' } })).toBe('a');
    expect(await backendOf('/q?v=2')).toBe('b');
    expect(await backendOf('/q?v=3')).toBe('a');
    expect(await backendOf('/m', { method: 'POST' })).toBe('b');
    expect(await backendOf('/m', { method: 'GET' })).toBe('a');
  });

  it('ignores a port in the Host header when matching hostnames', async () => {
    expect(await backendOf('/exact', { host: `app.test:${port}` })).toBe('a');
  });

  it('unknown hosts get 404', async () => {
    expect((await get('/exact', { host: 'nobody.test' })).status).toBe(404);
  });
});

describe('backends', () => {
  it('splits traffic by weight (70/30 within ±5% over 1,000 requests)', async () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(Array.from({ length: 50 }, () => backendOf('/weighted')));
      for (const r of replies) counts[r] = (counts[r] ?? 0) + 1;
    }
    expect(counts.a! + counts.b!).toBe(1000);
    expect(Math.abs(counts.a! / 1000 - 0.7)).toBeLessThan(0.05);
  });

  it('answers 500 for a rule whose backend does not exist', async () => {
    expect((await get('/missing-backend')).status).toBe(500);
  });
});

describe('rewrites and headers', () => {
  it('rewrites a prefix', async () => {
    expect((await get('/old/page?x=1')).json.path).toBe('/new/page?x=1');
  });

  it('replaces the full path and the host', async () => {
    const reply = (await get('/full/anything')).json;
    expect(reply.path).toBe('/replaced');
    expect(reply.host).toBe('rewritten.test');
  });

  it('rewrites with a regex and capture groups', async () => {
    expect((await get('/regex-rewrite/v2/users/7')).json.path).toBe('/users/7');
  });

  it('adds, sets and removes request and response headers', async () => {
    const res = await get('/headers', { headers: { 'x-set': 'old', 'x-remove-me': 'bye' } });
    expect(res.json.headers['x-added']).toBe('one');
    expect(res.json.headers['x-set']).toBe('two');
    expect(res.json.headers['x-remove-me']).toBeUndefined();
    expect(res.headers['x-resp-added']).toBe('three');
    expect(res.headers['x-echo-backend']).toBeUndefined();
  });
});

describe('redirects and direct responses', () => {
  it('redirects with scheme, host, port, path and code', async () => {
    const res = await get('/redirect/x');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://secure.test:8443/landing');
  });

  it('defaults to 302 and keeps the path', async () => {
    const res = await get('/found/here');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://other.test:${port}/found/here`);
  });

  it('drops the well-known port when only the scheme changes', async () => {
    const res = await get('/to-https/x?y=1');
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('https://app.test/to-https/x?y=1');
  });

  it('answers directly', async () => {
    const res = await get('/direct');
    expect(res.status).toBe(418);
    expect(res.body).toBe('short and stout');
    expect(res.headers['content-type']).toBe('text/plain');
  });
});

describe('mirroring, timeouts and retries', () => {
  it('sends a copy to the mirror backend', async () => {
    const before = mirror.received.length;
    expect(await backendOf('/mirrored/1')).toBe('a');
    await waitFor(() => mirror.received.length > before, 5000, 'the mirror to receive a copy');
    expect(mirror.received.at(-1)!.path).toBe('/mirrored/1');
  });

  it('times out a slow backend with 504', async () => {
    expect((await get('/slow?delay=1000')).status).toBe(504);
    expect((await get('/slow?delay=10')).status).toBe(200);
  });

  it('bounds each attempt with the per-try (backendRequest) timeout', async () => {
    const t0 = Date.now();
    const res = await get('/per-try?delay=800&key=per-try-1');
    const elapsed = Date.now() - t0;
    // Without a per-try bound the 800 ms answer would arrive well inside the 5 s request timeout.
    expect(res.status).toBe(504);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(800 * 3);
    expect(a.received.filter((r) => r.path.includes('key=per-try-1')).length).toBeGreaterThanOrEqual(1);
  });

  it('retries a 503 until the backend answers', async () => {
    const res = await get('/flaky?fail-first=2&key=retry-1');
    expect(res.status).toBe(200);
    expect(a.received.filter((r) => r.path.includes('key=retry-1'))).toHaveLength(3);
  });
});
