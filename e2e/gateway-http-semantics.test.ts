// HTTPRoute semantics Gateway API spells out, end to end: invalid backend shares answer 500, the CORS
// filter, mirrors with fractions, 303/307/308 redirects, and route status reasons as `tidegate status` shows them.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { statusCommand } from '../packages/tidegate/src/commands/status';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let app: EchoServer, halfMirror: EchoServer, fullMirror: EchoServer, foreign: EchoServer;
let tg: StandaloneHarness;
let port: number;

const routes = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: semantics, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [app.test]
  rules:
    - name: half-invalid
      matches: [{ path: { value: /half } }]
      backendRefs: [{ name: app, port: 80, weight: 1 }, { name: ghost, port: 80, weight: 1 }]
    - name: cors
      matches: [{ path: { value: /cors } }]
      filters:
        - type: CORS
          cors:
            allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
            allowMethods: [GET, OPTIONS]
            allowHeaders: [x-header-1, x-header-2]
            exposeHeaders: [x-header-3]
            allowCredentials: true
            maxAge: 3600
      backendRefs: [{ name: app, port: 80 }]
    - name: cors-defaults
      matches: [{ path: { value: /cors-defaults } }]
      filters: [{ type: CORS, cors: { allowOrigins: ["*"], allowMethods: ["*"] } }]
      backendRefs: [{ name: app, port: 80 }]
    - name: mirrored
      matches: [{ path: { value: /mirrored } }]
      filters:
        - { type: RequestMirror, requestMirror: { backendRef: { name: half-mirror, port: 80 }, fraction: { numerator: 1, denominator: 2 } } }
        - { type: RequestMirror, requestMirror: { backendRef: { name: full-mirror, port: 80 } } }
      backendRefs: [{ name: app, port: 80 }]
    - matches: [{ path: { value: /see-other } }]
      filters: [{ type: RequestRedirect, requestRedirect: { statusCode: 303, path: { type: ReplaceFullPath, replaceFullPath: /elsewhere } } }]
    - matches: [{ path: { value: /temporary } }]
      filters: [{ type: RequestRedirect, requestRedirect: { statusCode: 307, hostname: other.test } }]
    - matches: [{ path: { value: /permanent } }]
      filters: [{ type: RequestRedirect, requestRedirect: { statusCode: 308, scheme: https, path: { type: ReplacePrefixMatch, replacePrefixMatch: /secure } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: missing-backend, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [missing.test]
  rules: [{ backendRefs: [{ name: does-not-exist, port: 80 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: foreign-backend, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [foreign.test]
  rules: [{ backendRefs: [{ name: vault, namespace: secure, port: 80 }] }]
`;

/** A Service in another namespace (no ReferenceGrant allows reaching it). */
const foreignService = (backendPort: number) =>
  service('vault', [backendPort]).replace(/namespace: default/g, 'namespace: secure');

beforeAll(async () => {
  [app, halfMirror, fullMirror, foreign] = await Promise.all([
    startEcho({ name: 'app' }),
    startEcho({ name: 'half-mirror' }),
    startEcho({ name: 'full-mirror' }),
    startEcho({ name: 'foreign' }),
  ]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(service('app', [app.port]), service('half-mirror', [halfMirror.port]), service('full-mirror', [fullMirror.port]), foreignService(foreign.port)),
    'routes.yaml': routes,
  });
  await waitFor(async () => (await get('/mirrored/warmup')).status === 200, 20_000, 'Envoy to serve the routes');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([app, halfMirror, fullMirror, foreign].map((s) => s?.close()));
});

const get = (path: string, opts: Parameters<typeof httpRequest>[2] = {}) => httpRequest(port, path, { host: 'app.test', ...opts });

describe('invalid backendRefs', () => {
  it('keep their weight: about half of 200 requests get 500 with weights 1:1', async () => {
    const statuses = await Promise.all(Array.from({ length: 200 }, () => get('/half').then((r) => r.status)));
    const errors = statuses.filter((s) => s === 500).length;
    expect(statuses.filter((s) => s !== 500 && s !== 200)).toEqual([]);
    // Binomial(200, 0.5): 3.5 standard deviations either side.
    expect(errors).toBeGreaterThan(75);
    expect(errors).toBeLessThan(125);
  });

  it('all invalid: every request gets 500', async () => {
    const r = await httpRequest(port, '/', { host: 'missing.test' });
    expect(r.status).toBe(500);
  });
});

describe('CORS filter', () => {
  const preflight = (path: string, origin: string, method = 'GET') =>
    get(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'x-header-1' } });

  it('answers a preflight from an allowed origin with the configured headers, without reaching the backend', async () => {
    const before = app.received.length;
    const r = await preflight('/cors', 'https://www.foo.com');
    expect([200, 204]).toContain(r.status);
    expect(r.headers['access-control-allow-origin']).toBe('https://www.foo.com');
    expect(String(r.headers['access-control-allow-methods']).replace(/\s/g, '').split(',').sort()).toEqual(['GET', 'OPTIONS']);
    expect(String(r.headers['access-control-allow-headers']).replace(/\s/g, '')).toBe('x-header-1,x-header-2');
    expect(r.headers['access-control-max-age']).toBe('3600');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
    expect(app.received.length).toBe(before);
  });

  it('matches a wildcard origin across any number of labels', async () => {
    expect((await preflight('/cors', 'https://x.www.bar.com')).headers['access-control-allow-origin']).toBe('https://x.www.bar.com');
  });

  it('leaves out CORS headers for other origins', async () => {
    expect((await preflight('/cors', 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const simple = await get('/cors', { headers: { origin: 'https://evil.example' } });
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds the headers to actual requests from allowed origins', async () => {
    const r = await get('/cors', { headers: { origin: 'https://www.foo.com' } });
    expect(r.json?.backend).toBe('app');
    expect(r.headers['access-control-allow-origin']).toBe('https://www.foo.com');
    expect(r.headers['access-control-expose-headers']).toBe('x-header-3');
  });

  it('defaults max-age to 5 seconds and never claims credentials unless asked', async () => {
    const r = await preflight('/cors-defaults', 'https://anyone.example', 'PUT');
    expect(['*', 'https://anyone.example']).toContain(r.headers['access-control-allow-origin']);
    expect(r.headers['access-control-max-age']).toBe('5');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('RequestMirror', () => {
  it('copies the configured fraction of requests to each mirror', async () => {
    const half0 = halfMirror.received.length;
    const full0 = fullMirror.received.length;
    for (let batch = 0; batch < 4; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => get(`/mirrored/${batch}-${i}`)));
      expect(answers.every((r) => r.json?.backend === 'app')).toBe(true);
    }
    await waitFor(() => fullMirror.received.length - full0 >= 200, 10_000, 'all 200 copies at the 100% mirror');
    const half = halfMirror.received.length - half0;
    expect(half).toBeGreaterThan(65);
    expect(half).toBeLessThan(135);
    expect(fullMirror.received.length - full0).toBe(200);
  });
});

describe('RequestRedirect status codes', () => {
  it('303 with a replaced path keeps host and listener port', async () => {
    const r = await get('/see-other/x');
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`http://app.test:${port}/elsewhere`);
  });

  it('307 to another hostname', async () => {
    const r = await get('/temporary?q=1');
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe(`http://other.test:${port}/temporary?q=1`);
  });

  it('308 to https drops the well-known port and replaces the matched prefix', async () => {
    const r = await get('/permanent/page');
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('https://app.test/secure/page');
  });
});

describe('route status', () => {
  type Report = { statuses: Array<{ kind: string; name: string; status: { parents: Array<{ conditions: Array<{ type: string; status: string; reason: string; message: string }> }> } }> };

  async function debugStatus(): Promise<Report> {
    const res = await fetch(`http://127.0.0.1:${tg.plane.adminPort}/debug/status`);
    return (await res.json()) as Report;
  }

  const resolvedRefs = (report: Report, name: string) =>
    report.statuses.find((s) => s.kind === 'HTTPRoute' && s.name === name)?.status.parents[0]?.conditions.find((c) => c.type === 'ResolvedRefs');

  it('/debug/status shows BackendNotFound and RefNotPermitted on the routes that cause them', async () => {
    const report = await debugStatus();
    expect(resolvedRefs(report, 'missing-backend')).toMatchObject({ status: 'False', reason: 'BackendNotFound', message: 'Service default/does-not-exist not found' });
    expect(resolvedRefs(report, 'foreign-backend')).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(resolvedRefs(report, 'semantics')).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
  });

  it('`tidegate status HTTPRoute/foreign-backend` prints that condition and the error, and exits 1', async () => {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const exitCode = process.exitCode;
    try {
      await statusCommand().parseAsync(['HTTPRoute/foreign-backend', '-o', 'json', '--admin', `127.0.0.1:${tg.plane.adminPort}`], { from: 'user' });
      expect(process.exitCode).toBe(1);
    } finally {
      write.mockRestore();
      process.exitCode = exitCode;
    }
    const printed = JSON.parse(out) as Report & { errors: Array<{ code: string; path: string }> };
    expect(printed.statuses.map((s) => s.name)).toEqual(['foreign-backend']);
    expect(resolvedRefs(printed, 'foreign-backend')).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(printed.errors).toEqual([expect.objectContaining({ code: 'ref-not-permitted', path: 'spec.rules[0].backendRefs[0]' })]);
  });
});
