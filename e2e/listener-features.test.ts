// Listener features end to end: WebSocket, h2c, client IP, PROXY protocol, uploads, compression, access logs.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import WebSocket from 'ws';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let echo: EchoServer;
let tg: StandaloneHarness;
let plain: number, tuned: number, proxied: number, timed: number;
const accessLog = path.join(os.tmpdir(), `tidegate-access-${process.pid}.log`);

const route = (name: string, section: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw, sectionName: ${section} }]
  rules:
    - backendRefs: [{ name: svc, port: 80 }]
`;

beforeAll(async () => {
  echo = await startEcho({ name: 'echo' });
  [plain, tuned, proxied, timed] = [await freePort(), await freePort(), await freePort(), await freePort()];
  tg = await startStandalone({
    'gateway.yaml': docs(
      GATEWAY_CLASS,
      gateway('gw', httpListener('plain', plain) + httpListener('tuned', tuned) + httpListener('proxied', proxied) + httpListener('timed', timed)),
    ),
    'services.yaml': service('svc', [echo.port]),
    'routes.yaml': docs(route('r-plain', 'plain'), route('r-tuned', 'tuned'), route('r-proxied', 'proxied'), route('r-timed', 'timed')),
    'policies.yaml': `
apiVersion: tidegate.io/v1alpha1
kind: ClientTrafficPolicy
metadata: { name: tuned, namespace: default }
spec:
  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw, sectionName: tuned }]
  xffNumTrustedHops: 1
  compression: [Gzip, Brotli]
  accessLog: { path: ${accessLog}, format: JSON }
  maxRequestBodySize: "1024"
---
apiVersion: tidegate.io/v1alpha1
kind: ClientTrafficPolicy
metadata: { name: proxied, namespace: default }
spec:
  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw, sectionName: proxied }]
  proxyProtocol: true
---
apiVersion: tidegate.io/v1alpha1
kind: ClientTrafficPolicy
metadata: { name: timed, namespace: default }
spec:
  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw, sectionName: timed }]
  timeouts: { idle: 500ms, streamIdle: 300ms }
`,
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await httpRequest(plain, '/')).status === 200, 20_000, 'Envoy to serve');
  await waitFor(async () => (await httpRequest(tuned, '/')).status === 200, 10_000, 'the tuned listener');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
  fs.rmSync(accessLog, { force: true });
});

it('upgrades WebSocket connections', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${plain}/chat`);
  const reply = await new Promise<string>((resolve, reject) => {
    ws.on('open', () => ws.send('hello'));
    ws.on('message', (data) => resolve(String(data)));
    ws.on('error', reject);
  });
  ws.close();
  expect(reply).toBe('echo:hello');
});

it('speaks HTTP/2 with prior knowledge (h2c) downstream', async () => {
  const session = http2.connect(`http://127.0.0.1:${plain}`);
  const body = await new Promise<string>((resolve, reject) => {
    const req = session.request({ ':path': '/h2', ':authority': 'h2.test' });
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
  session.close();
  expect(JSON.parse(body)).toMatchObject({ backend: 'echo', path: '/h2' });
});

it('does not trust X-Forwarded-For by default, and sets X-Real-IP to the peer', async () => {
  const reply = (await httpRequest(plain, '/', { headers: { 'x-forwarded-for': '203.0.113.7' } })).json;
  expect(reply.headers['x-real-ip']).toBe('127.0.0.1');
});

it('takes the client IP from X-Forwarded-For with one trusted hop', async () => {
  const reply = (await httpRequest(tuned, '/', { headers: { 'x-forwarded-for': '203.0.113.7' } })).json;
  expect(reply.headers['x-real-ip']).toBe('203.0.113.7');
  // Envoy appends the peer; for a loopback peer it appends its own local address instead.
  expect(reply.headers['x-forwarded-for']).toMatch(/^203\.0\.113\.7,[0-9.]+$/);
});

it('reads the client address from the PROXY protocol header', async () => {
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(proxied, '127.0.0.1', () => {
      socket.write('PROXY TCP4 198.51.100.9 127.0.0.1 5555 80\r\nGET /pp HTTP/1.1\r\nHost: pp.test\r\nConnection: close\r\n\r\n');
    });
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  const body = JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1));
  expect(body.headers['x-real-ip']).toBe('198.51.100.9');
});

it('passes a 20 MiB upload where no limit is configured, and answers 413 above a configured one', async () => {
  const big = Buffer.alloc(20 * 1024 * 1024, 'x');
  const ok = await httpRequest(plain, '/upload', { method: 'POST', body: big, timeoutMs: 20_000 });
  expect(ok.status).toBe(200);
  expect(ok.json.bodyBytes).toBe(big.length);
  const tooBig = await httpRequest(tuned, '/upload', { method: 'POST', body: Buffer.alloc(4096, 'y') });
  expect(tooBig.status).toBe(413);
});

it('compresses responses with gzip when the client accepts it (opt-in per listener)', async () => {
  const zipped = await rawGet(tuned, '/gz', { 'accept-encoding': 'gzip' });
  expect(zipped.headers['content-encoding']).toBe('gzip');
  expect(JSON.parse(zlib.gunzipSync(zipped.body).toString())).toMatchObject({ path: '/gz' });
  const notOptedIn = await rawGet(plain, '/gz', { 'accept-encoding': 'gzip' });
  expect(notOptedIn.headers['content-encoding']).toBeUndefined();
});

it('compresses with brotli when the client prefers it', async () => {
  const res = await rawGet(tuned, '/br', { 'accept-encoding': 'br' });
  expect(res.headers['content-encoding']).toBe('br');
  expect(JSON.parse(zlib.brotliDecompressSync(res.body).toString())).toMatchObject({ path: '/br' });
});

it('ends a stream that sees no activity for the stream idle timeout', async () => {
  const t0 = Date.now();
  const res = await httpRequest(timed, '/idle?delay=2000');
  expect(Date.now() - t0).toBeLessThan(1800);
  expect([408, 504]).toContain(res.status);
  expect((await httpRequest(timed, '/quick')).status).toBe(200);
});

it('closes a downstream connection that stays idle for the idle timeout', async () => {
  // Observed with Envoy 1.40: a connection that never sends a request is closed after the
  // idle timeout; one that has finished a keep-alive request was not re-armed within 3 s.
  const t0 = Date.now();
  const closedAfter = await new Promise<number>((resolve, reject) => {
    const socket = net.connect(timed, '127.0.0.1');
    socket.on('close', () => resolve(Date.now() - t0));
    socket.on('error', reject);
    setTimeout(() => reject(new Error('connection still open after 5 s')), 5000);
  });
  expect(closedAfter).toBeGreaterThanOrEqual(400);
  expect(closedAfter).toBeLessThan(3000);
});

it('writes JSON access log lines', async () => {
  await httpRequest(tuned, '/logged?x=1', { headers: { 'user-agent': 'e2e-agent' } });
  const line = await waitFor(() => {
    if (!fs.existsSync(accessLog)) return undefined;
    return fs.readFileSync(accessLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => String(e.path ?? '').startsWith('/logged'));
  }, 10_000, 'an access log entry');
  expect(line).toMatchObject({ method: 'GET', response_code: 200 });
});

function rawGet(p: number, urlPath: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: p, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
