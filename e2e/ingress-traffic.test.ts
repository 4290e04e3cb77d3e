// Ingress annotations end to end through real Envoy: canary, rewrite, CORS, IP lists, rate limit, timeout,
// retry, mirror, cookie affinity, basic auth, external auth, default-backend, Higress header control and
// pseudo-header matches; with no usable certificate, TLS hosts are served on http (no https listener to redirect to).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { docs, service } from './support/fixtures';
import { freePort, httpRequest, waitFor, type HttpResult } from './support/http';
import { higress, ingress, ingressCondition, nginx } from './support/ingress';
import { startStandalone, type StandaloneHarness } from './support/standalone';
import { statusCommand } from '../packages/tidegate/src/commands/status';

jest.setTimeout(60_000);

let tg: StandaloneHarness;
let port: number;
const echoes: Record<string, EchoServer> = {};
let auth: http.Server;
let authPort: number;

/** An auth service: `Authorization: Bearer good` is allowed (and named alice), anything else 403. */
function startAuth(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization === 'Bearer good') res.writeHead(200, { 'x-user': 'alice' }).end();
    else res.writeHead(403, { 'content-type': 'text/plain' }).end('denied by auth service\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const HTPASSWD_SECRET = `
apiVersion: v1
kind: Secret
metadata: { name: htpasswd, namespace: default }
stringData:
  auth: |
    alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=
    bob:$apr1$abc$0123456789abcdefghijkl
`;

beforeAll(async () => {
  for (const name of ['web', 'canary', 'mirror', 'sticky-a', 'sticky-b', 'errors']) echoes[name] = await startEcho({ name });
  auth = await startAuth();
  authPort = (auth.address() as AddressInfo).port;
  port = await freePort();
  tg = await startStandalone(
    {
      'services.yaml': docs(
        service('web', [echoes.web!.port]),
        service('canary', [echoes.canary!.port]),
        service('mirror', [echoes.mirror!.port]),
        service('errors', [echoes.errors!.port]),
        service('sticky', [echoes['sticky-a']!.port, echoes['sticky-b']!.port]),
        service('empty', []),
      ),
      'secrets.yaml': HTPASSWD_SECRET,
      'ingresses.yaml': docs(
        ingress({ name: 'shop', host: 'canary.test' }),
        ingress({
          name: 'shop-canary',
          host: 'canary.test',
          service: 'canary',
          creationTimestamp: '2026-01-02T00:00:00Z',
          annotations: { [nginx('canary')]: 'true', [nginx('canary-by-header')]: 'x-canary', [nginx('canary-by-cookie')]: 'beta', [nginx('canary-weight')]: '30' },
        }),
        ingress({ name: 'rewrite', host: 'rewrite.test', paths: [['/api(/|$)(.*)', 'ImplementationSpecific', 'web', 80]], annotations: { [nginx('rewrite-target')]: '/$2' } }),
        ingress({ name: 'cors', host: 'cors.test', annotations: { [nginx('enable-cors')]: 'true', [nginx('cors-allow-origin')]: 'https://app.example.com', [nginx('cors-allow-methods')]: 'GET, POST' } }),
        ingress({ name: 'allow', host: 'allow.test', annotations: { [nginx('whitelist-source-range')]: '10.0.0.0/8' } }),
        ingress({ name: 'deny', host: 'deny.test', annotations: { [nginx('denylist-source-range')]: '127.0.0.1/32' } }),
        ingress({ name: 'open', host: 'open.test', annotations: { [nginx('whitelist-source-range')]: '127.0.0.0/8, ::1' } }),
        ingress({ name: 'limit', host: 'limit.test', annotations: { [higress('route-limit-rpm')]: '3', [higress('route-limit-burst-multiplier')]: '1' } }),
        ingress({ name: 'timeout', host: 'timeout.test', annotations: { [higress('timeout')]: '1' } }),
        ingress({ name: 'retry', host: 'retry.test', annotations: { [nginx('proxy-next-upstream')]: 'http_503', [nginx('proxy-next-upstream-tries')]: '3' } }),
        ingress({ name: 'mirror', host: 'mirror.test', annotations: { [nginx('mirror-target-service')]: 'mirror' } }),
        ingress({ name: 'sticky', host: 'sticky.test', service: 'sticky', annotations: { [nginx('affinity')]: 'cookie', [nginx('session-cookie-name')]: 'route' } }),
        ingress({ name: 'errors', host: 'errors.test', annotations: { [nginx('default-backend')]: 'errors', [nginx('custom-http-errors')]: '404,503' } }),
        ingress({ name: 'basic', host: 'basic.test', annotations: { [nginx('auth-type')]: 'basic', [nginx('auth-secret')]: 'htpasswd' } }),
        ingress({ name: 'extauth', host: 'extauth.test', annotations: { [nginx('auth-url')]: `http://127.0.0.1:${authPort}/check`, [nginx('auth-response-headers')]: 'x-user' } }),
        ingress({ name: 'search', host: 'search.test' }),
        ingress({
          name: 'search-canary',
          host: 'search.test',
          service: 'canary',
          creationTimestamp: '2026-01-02T00:00:00Z',
          annotations: { [nginx('canary')]: 'true', [nginx('canary-by-header')]: 'x-origin', [nginx('canary-by-header-pattern')]: 'test.com' },
        }),
        ingress({
          name: 'fallback',
          host: 'fallback.test',
          paths: [
            ['/empty', 'Prefix', 'empty', 80],
            ['/gone', 'Prefix', 'gone', 80],
            ['/', 'Prefix', 'web', 80],
          ],
          annotations: { [nginx('default-backend')]: 'errors' },
        }),
        ingress({
          name: 'quoted',
          host: 'quoted.test',
          annotations: { [higress('request-header-control-add')]: `"x-quoted-name" 'quoted value'`, [higress('response-header-control-update')]: `'x-answer' "yes"` },
        }),
        ingress({ name: 'authority', host: '*.authority.test', annotations: { [higress('prefix-match-pseudo-header-authority')]: 'api.' } }),
        ingress({ name: 'method', host: 'method.test', annotations: { [higress('exact-match-pseudo-header-method')]: 'PUT' } }),
        ingress({ name: 'path', host: 'path.test', annotations: { [higress('regex-match-pseudo-header-path')]: '/p/[0-9]+' } }),
        ingress({ name: 'scheme', host: 'scheme.test', annotations: { [higress('exact-match-pseudo-header-scheme')]: 'http' } }),
        ingress({ name: 'scheme-https', host: 'scheme-https.test', annotations: { [higress('exact-match-pseudo-header-scheme')]: 'https' } }),
        ingress({ name: 'no-cert', host: 'no-cert.test', tls: { hosts: ['no-cert.test'], secretName: 'no-cert-tls' } }),
        ingress({ name: 'forced', host: 'forced.test', tls: { hosts: ['forced.test'], secretName: 'forced-tls' }, annotations: { [nginx('force-ssl-redirect')]: 'true' } }),
      ),
    },
    { ingress: { ingressClass: 'tidegate', httpPort: port, httpsPort: await freePort() } },
  );
  await waitFor(async () => (await get('open.test', '/')).status === 200, 30_000, 'Envoy to serve the Ingresses');
});

afterAll(async () => {
  await tg?.close();
  for (const e of Object.values(echoes)) await e.close();
  auth?.closeAllConnections();
  await new Promise((r) => auth?.close(r));
});

const get = (host: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> =>
  httpRequest(port, path, { host, headers, method });
const condition = (name: string, type: string) => ingressCondition(tg, name, type);

it('translates every Ingress without errors but the missing Service and Secrets (the unusable htpasswd line is reported, not fatal)', () => {
  const errors = tg.errors() as Array<{ code: string; object: { name: string }; path: string; message: string }>;
  expect(errors.map((e) => [e.object.name, e.path, e.code, e.message])).toEqual([
    ['fallback', 'spec.rules[0].http.paths[1].service', 'backend-not-found', 'Service default/gone not found'],
    ['forced', 'spec.tls[0].secretName', 'invalid-secret', 'Secret default/forced-tls not found (forced.test: no certificate, so no redirect to https)'],
    ['forced', 'metadata.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"]', 'no-https-listener', expect.stringContaining('there is no HTTPS listener')],
    ['no-cert', 'spec.tls[0].secretName', 'invalid-secret', 'Secret default/no-cert-tls not found (no-cert.test: no certificate, so no redirect to https)'],
  ]);
  const status = (tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: { loadBalancer: unknown } }>).find((s) => s.kind === 'Ingress' && s.name === 'shop');
  expect(status?.status.loadBalancer).toEqual({ ingress: [{ ip: '127.0.0.1' }] });
});

describe('canary', () => {
  it('routes by header: always → canary, never → primary even with the canary cookie', async () => {
    for (let i = 0; i < 10; i++) expect((await get('canary.test', '/', { 'x-canary': 'always' })).json.backend).toBe('canary');
    for (let i = 0; i < 10; i++) expect((await get('canary.test', '/', { 'x-canary': 'never', cookie: 'beta=always' })).json.backend).toBe('web');
  });

  it('routes by cookie: always → canary, never → primary', async () => {
    for (let i = 0; i < 10; i++) expect((await get('canary.test', '/', { cookie: 'a=1; beta=always; b=2' })).json.backend).toBe('canary');
    for (let i = 0; i < 20; i++) expect((await get('canary.test', '/', { cookie: 'beta=never' })).json.backend).toBe('web');
  });

  it('splits by weight: 30% ± 5% over 1,000 requests', async () => {
    const counts = await countBackends('canary.test', 1000);
    expect(counts.web! + counts.canary!).toBe(1000);
    expect(counts.canary! / 1000).toBeGreaterThanOrEqual(0.25);
    expect(counts.canary! / 1000).toBeLessThanOrEqual(0.35);
  });
});

it('canary-by-header-pattern searches the header value, as ingress-nginx does (test.com matches test.com.abc)', async () => {
  for (const value of ['test.com', 'test.com.abc', 'www.test.com']) expect((await get('search.test', '/', { 'x-origin': value })).json.backend).toBe('canary');
  for (const value of ['test', 'example.org']) expect((await get('search.test', '/', { 'x-origin': value })).json.backend).toBe('web');
  expect((await get('search.test', '/')).json.backend).toBe('web');
});

it('rewrites with capture groups (rewrite-target /$2), keeping the query string', async () => {
  const r = await get('rewrite.test', '/api/items/7?x=1');
  expect(r.status).toBe(200);
  expect(r.json.path).toBe('/items/7?x=1');
  expect((await get('rewrite.test', '/API/items')).json.path).toBe('/items'); // nginx ~* paths ignore case
});

describe('CORS', () => {
  it('answers preflights', async () => {
    const r = await get('cors.test', '/data', { origin: 'https://app.example.com', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(r.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
  });

  it('adds headers to simple requests from allowed origins only', async () => {
    const ok = await get('cors.test', '/data', { origin: 'https://app.example.com' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await get('cors.test', '/data', { origin: 'https://evil.example.com' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

it('enforces allow and deny lists (403)', async () => {
  expect((await get('allow.test', '/')).status).toBe(403);
  expect((await get('deny.test', '/')).status).toBe(403);
  expect((await get('open.test', '/')).status).toBe(200);
});

it('rate-limits (429 once the bucket is empty)', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await get('limit.test', '/')).status);
  expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
  expect(statuses.slice(3)).toEqual([429, 429, 429]);
});

it('times out slow backends with 504 (higress.io/timeout)', async () => {
  const t0 = Date.now();
  const r = await httpRequest(port, '/?delay=2500', { host: 'timeout.test', timeoutMs: 10_000 });
  expect(r.status).toBe(504);
  expect(Date.now() - t0).toBeLessThan(2300);
});

it('retries 503 answers from a flaky backend (proxy-next-upstream http_503, 3 tries)', async () => {
  const before = echoes.web!.received.length;
  const r = await get('retry.test', '/?fail-first=2&key=flaky-1');
  expect(r.status).toBe(200);
  expect(echoes.web!.received.slice(before).filter((q) => q.path.includes('key=flaky-1'))).toHaveLength(3);
  expect((await get('retry.test', '/?fail-first=5&key=flaky-2')).status).toBe(503);
});

it('mirrors requests to the mirror Service', async () => {
  const r = await get('mirror.test', '/mirrored?id=42');
  expect(r.json.backend).toBe('web');
  const copy = await waitFor(() => echoes.mirror!.received.find((q) => q.path === '/mirrored?id=42'), 10_000, 'the mirrored copy');
  expect(copy.host).toBe('mirror.test-shadow');
});

it('keeps a client on one endpoint with cookie affinity', async () => {
  const first = await get('sticky.test', '/');
  const setCookie = String(first.headers['set-cookie'] ?? '');
  expect(setCookie).toMatch(/^route=/);
  const cookie = setCookie.split(';')[0]!;
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) seen.add((await get('sticky.test', '/', { cookie })).json.backend);
  expect(seen.size).toBe(1);
  expect(['sticky-a', 'sticky-b']).toContain([...seen][0]);
});

it('answers chosen error statuses from the default backend (custom-http-errors)', async () => {
  const r = await get('errors.test', '/missing?status=404');
  expect(r.status).toBe(404);
  expect(r.json.backend).toBe('errors');
  expect(r.json.headers['x-code']).toBe('404');
  const fine = await get('errors.test', '/fine?status=418');
  expect(fine.status).toBe(418);
  expect(fine.json.backend).toBe('web');
});

describe('default-backend', () => {
  it('serves a path whose Service has no endpoints', async () => {
    const r = await get('fallback.test', '/empty/x');
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe('errors');
    expect(r.json.path).toBe('/empty/x');
  });

  it('serves a path whose Service does not exist, and the status still names the Service', async () => {
    const r = await get('fallback.test', '/gone/x');
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe('errors');
    expect((await get('fallback.test', '/other')).json.backend).toBe('web');
    expect(condition('fallback', 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'BackendNotFound', message: 'Service default/gone not found (default-backend serves the path)' });
  });
});

it('strips quotes from Higress header-control names as well as values', async () => {
  const r = await get('quoted.test', '/');
  expect(r.status).toBe(200);
  expect(r.json.headers['x-quoted-name']).toBe('quoted value');
  expect(r.headers['x-answer']).toBe('yes');
});

describe('Higress pseudo-header matches', () => {
  it('matches :authority', async () => {
    expect((await get('api.authority.test', '/')).status).toBe(200);
    expect((await get('www.authority.test', '/')).status).toBe(404);
  });

  it('matches :method', async () => {
    expect((await get('method.test', '/', {}, 'PUT')).status).toBe(200);
    expect((await get('method.test', '/')).status).toBe(404);
  });

  it('matches :path (with its query string, as Envoy sees it)', async () => {
    expect((await get('path.test', '/p/12')).status).toBe(200);
    expect((await get('path.test', '/p/ab')).status).toBe(404);
    expect((await get('path.test', '/p/12?x=1')).status).toBe(404);
  });

  it('matches :scheme', async () => {
    expect((await get('scheme.test', '/')).status).toBe(200);
    expect((await get('scheme-https.test', '/')).status).toBe(404);
  });
});

describe('TLS hosts whose Secret is missing, with no usable certificate at all', () => {
  it('are served on http, not redirected to an https port nothing listens on', async () => {
    const plain = await get('no-cert.test', '/a');
    expect(plain.status).toBe(200);
    expect(plain.json.backend).toBe('web');
    // Even force-ssl-redirect: there is no HTTPS listener, so it is reported instead.
    const forced = await get('forced.test', '/a');
    expect(forced.status).toBe(200);
    expect(forced.headers.location).toBeUndefined();
  });

  it('name the Secret in their status (not BackendNotFound)', () => {
    expect(condition('no-cert', 'ResolvedRefs')).toEqual(
      expect.objectContaining({ status: 'False', reason: 'InvalidCertificateRef', message: 'spec.tls[0].secretName: Secret default/no-cert-tls not found' }),
    );
    expect(condition('forced', 'ResolvedRefs')).toMatchObject({ reason: 'InvalidCertificateRef', message: expect.stringContaining('Secret default/forced-tls not found') });
  });
});

it('asks for basic auth credentials (401) and lets the right ones in', async () => {
  expect((await get('basic.test', '/')).status).toBe(401);
  expect((await get('basic.test', '/', { authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` })).status).toBe(401);
  expect((await get('basic.test', '/', { authorization: `Basic ${Buffer.from('bob:anything').toString('base64')}` })).status).toBe(401);
  expect((await get('basic.test', '/', { authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` })).status).toBe(200);
});

it('asks the external auth service: allowed requests pass with its headers, others get its answer', async () => {
  const ok = await get('extauth.test', '/private', { authorization: 'Bearer good' });
  expect(ok.status).toBe(200);
  expect(ok.json.headers['x-user']).toBe('alice');
  const denied = await get('extauth.test', '/private', { authorization: 'Bearer bad' });
  expect(denied.status).toBe(403);
  expect(denied.body).toContain('denied by auth service');
});

/** `n` requests over a few keep-alive connections; counts by echo backend. */
async function countBackends(host: string, n: number): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const counts: Record<string, number> = { web: 0, canary: 0 };
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < n) {
      sent++;
      const backend = await new Promise<string>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/', agent, headers: { host }, timeout: 5000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.headers['x-echo-backend'])));
        });
        req.on('error', reject);
        req.end();
      });
      counts[backend] = (counts[backend] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    agent.destroy();
  }
  return counts;
}

describe('/debug/ingress', () => {
  it('lists what became of each annotation, per Ingress, with a summary', async () => {
    const all = (await httpRequest(tg.plane.adminPort, '/debug/ingress')).json as { summary: Record<string, number>; findings: Array<{ ingress: { name: string }; annotation: string; support: string }> };
    expect(all.findings.length).toBe(Object.values(all.summary).reduce((a, b) => a + b, 0));
    expect(new Set(all.findings.map((f) => f.ingress.name))).toContain('shop-canary');
    const one = (await httpRequest(tg.plane.adminPort, '/debug/ingress?ingress=default/retry')).json as typeof all;
    expect(one.findings.map((f) => [f.annotation, f.support])).toEqual([
      ['nginx.ingress.kubernetes.io/proxy-next-upstream', 'partly'],
      ['nginx.ingress.kubernetes.io/proxy-next-upstream-tries', 'supported'],
    ]);
    expect(one.summary).toEqual({ supported: 1, partly: 1, unsupported: 0, invalid: 0 });
  });

  it('`tidegate status Ingress/NS/NAME` prints the findings next to the status', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      await statusCommand().parseAsync(['Ingress/default/retry', '-o', 'json', '--admin', `127.0.0.1:${tg.plane.adminPort}`], { from: 'user' });
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
    const out = JSON.parse(written.join('')) as { statuses: Array<{ name: string }>; annotations: Array<{ annotation: string; support: string }> };
    expect(out.statuses.map((s) => s.name)).toEqual(['retry']);
    expect(out.annotations.map((a) => a.support)).toEqual(['partly', 'supported']);
  });
});
