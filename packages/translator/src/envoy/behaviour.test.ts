// Route security and limits, invalid backend shares, TLS-terminating TCP and connection limits,
// checked through a real Envoy running the translated resources (static bootstrap, loopback).
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { EnvoyProcess } from '@tidegate/envoy-runner';
import type { Backend, ProxyGroup, Route } from '@tidegate/ir';
import { type EchoServer, createTestCa, startEcho } from '@tidegate/testkit';
import { probe } from './test-support/http-probe';
import { freePort, startStaticEnvoy } from './test-support/static-envoy';

const sha = (password: string): string => `{SHA}${createHash('sha1').update(password).digest('base64')}`;
const forward = (backend: string) => ({ kind: 'forward' as const, backends: [{ backend, weight: 1 }] });
const prefix = (value: string) => ({ path: { type: 'prefix' as const, value } });
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** An auth service: `x-allow: yes` → 200 with `x-auth-user`, `anon` → 200 without it, else 403. */
interface AuthServer {
  port: number;
  received: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

async function startAuthServer(): Promise<AuthServer> {
  const received: AuthServer['received'] = [];
  const server = http.createServer((req, res) => {
    received.push({ path: req.url ?? '', headers: req.headers });
    const verdict = req.headers['x-allow'];
    if (verdict === 'yes') res.writeHead(200, { 'x-auth-user': 'alice' }).end();
    else if (verdict === 'anon') res.writeHead(200).end();
    else res.writeHead(403, { 'content-type': 'text/plain' }).end('denied by auth');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An HTTP server that accepts requests and never answers (until closed). */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP echo server (what a TLS-terminating TCP listener forwards the decrypted bytes to). */
async function startTcpEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

/**
 * Opens a connection and sends one keep-alive request. Resolves with the socket once a
 * response starts, or `closed` when the peer closes first (or nothing comes within the time).
 */
function connectAndAsk(port: number, timeoutMs = 3000): Promise<{ socket: net.Socket; answered: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      resolve({ socket, answered });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: limited.test\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.startsWith('HTTP/1.1 ')) done(true);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(false));
  });
}

/** Sends a WebSocket upgrade request and resolves with the status line of the answer. */
function upgradeStatusLine(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer to the upgrade request'));
    }, 5000);
    let data = '';
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: behaviour.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n');
      if (end >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}

const staticBackend = (name: string, port: number): Backend => ({
  name,
  discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port }] },
});

describe('translated route features in a real Envoy', () => {
  let envoy: EnvoyProcess | undefined;
  let web: EchoServer;
  let errors: EchoServer;
  let failing: EchoServer;
  let auth: AuthServer;
  let tcpEcho: { port: number; close(): Promise<void> };
  let silent: { port: number; close(): Promise<void> };
  let ca: ReturnType<typeof createTestCa>;
  let httpPort: number;
  let limitedPort: number;
  let tlsTcpPort: number;
  let cappedPort: number;

  beforeAll(async () => {
    [web, errors, failing, auth, tcpEcho, silent] = await Promise.all([
      startEcho({ name: 'web' }),
      startEcho({ name: 'errors' }),
      startEcho({ name: 'failing', status: 503 }),
      startAuthServer(),
      startTcpEcho(),
      startSilentServer(),
    ]);
    ca = createTestCa();
    const leaf = ca.issue(['tcp.example.com']);
    [httpPort, limitedPort, tlsTcpPort, cappedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

    const routes: Route[] = [
      { name: 'string-prefix', match: { path: { type: 'string-prefix', value: '/api' } }, action: forward('web') },
      { name: 'segment-prefix', match: prefix('/seg'), action: forward('web') },
      { name: 'upload', match: prefix('/upload'), maxRequestBodyBytes: 100, action: forward('web') },
      { name: 'ip', match: prefix('/ip'), ipAccess: { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.0.0.5'] }, action: forward('web') },
      {
        name: 'per-client',
        match: prefix('/limited-client'),
        rateLimit: { requests: 1, per: 'minute', burst: 3, perClient: true },
        action: forward('web'),
      },
      { name: 'shared', match: prefix('/limited-shared'), rateLimit: { requests: 1, per: 'minute', burst: 2 }, action: forward('web') },
      {
        name: 'basic',
        match: prefix('/basic'),
        basicAuth: { htpasswd: `alice:${sha('wonderland')}\nbob:$apr1$x1y2z3$0123456789abcdefghijkl\n`, realm: 'ignored' },
        action: forward('web'),
      },
      {
        name: 'ext-auth',
        match: prefix('/auth'),
        externalAuth: { backend: 'auth', pathPrefix: '/check', responseHeadersToUpstream: ['x-auth-user'], allowedRequestHeaders: ['x-allow'] },
        action: forward('web'),
      },
      { name: 'custom-errors', match: prefix('/errors'), customErrors: { statusCodes: [503], backend: 'errors' }, action: forward('web') },
      {
        name: 'custom-errors-failing',
        match: prefix('/failing'),
        customErrors: { statusCodes: [503], backend: 'errors' },
        action: forward('failing'),
      },
      {
        name: 'custom-errors-local',
        match: prefix('/private'),
        ipAccess: { deny: ['0.0.0.0/0', '::/0'] },
        customErrors: { statusCodes: [403], backend: 'errors' },
        action: forward('web'),
      },
      { name: 'half', match: prefix('/half'), action: { ...forward('web'), invalidWeight: 1 } },
      { name: 'idle', match: prefix('/idle'), idleTimeoutMs: 300, action: forward('silent') },
      { name: 'open', match: prefix('/open'), action: forward('web') },
      { name: 'fallback', match: prefix('/'), action: { kind: 'direct', status: 404, body: 'no route' } },
    ];
    const group: ProxyGroup = {
      name: 'behaviour',
      httpListeners: [
        {
          name: 'main',
          address: '127.0.0.1',
          port: httpPort,
          xffNumTrustedHops: 1,
          virtualHosts: [{ name: 'all', domains: ['*'], routes }],
        },
        {
          name: 'capped',
          address: '127.0.0.1',
          port: cappedPort,
          maxRequestBodyBytes: 50,
          virtualHosts: [
            {
              name: 'all',
              domains: ['*'],
              routes: [
                { name: 'bigger', match: prefix('/bigger'), maxRequestBodyBytes: 1000, action: forward('web') },
                { name: 'all', match: prefix('/'), action: forward('web') },
              ],
            },
          ],
        },
        {
          name: 'limited',
          address: '127.0.0.1',
          port: limitedPort,
          connectionLimit: 2,
          virtualHosts: [{ name: 'all', domains: ['*'], routes: [{ name: 'all', match: prefix('/'), action: forward('web') }] }],
        },
      ],
      tcpListeners: [
        {
          name: 'tls-tcp',
          address: '127.0.0.1',
          port: tlsTcpPort,
          tls: { certificates: [{ hostnames: ['tcp.example.com'], secretName: 'tcp-cert' }] },
          routes: [{ name: 'echo', backends: [{ backend: 'tcp-echo', weight: 1 }] }],
        },
      ],
      grpcApiListeners: [],
      backends: [
        staticBackend('web', web.port),
        staticBackend('errors', errors.port),
        staticBackend('failing', failing.port),
        staticBackend('auth', auth.port),
        staticBackend('tcp-echo', tcpEcho.port),
        staticBackend('silent', silent.port),
      ],
      secrets: [{ name: 'tcp-cert', type: 'certificate', certificateChain: leaf.cert, privateKey: leaf.key }],
    };
    envoy = await startStaticEnvoy(group);
  }, 30_000);

  afterAll(async () => {
    await envoy?.stop();
    await Promise.all([web, errors, failing, tcpEcho, silent].map((s) => s?.close()));
    await auth?.close();
  });

  it('string-prefix matches /apix; a segment prefix does not match /segx', async () => {
    const apix = await probe(httpPort, '/apix');
    expect([apix.status, apix.json?.backend, apix.json?.path]).toEqual([200, 'web', '/apix']);
    expect((await probe(httpPort, '/seg/x')).status).toBe(200);
    expect(await probe(httpPort, '/segx')).toMatchObject({ status: 404, body: 'no route' });
  });

  it('limits the request body on its route only (413 above), and WebSocket upgrades still pass', async () => {
    expect((await probe(httpPort, '/upload', { body: 'x'.repeat(101) })).status).toBe(413);
    const fits = await probe(httpPort, '/upload', { body: 'x'.repeat(100) });
    expect([fits.status, fits.json?.bodyBytes]).toEqual([200, 100]);
    const big = await probe(httpPort, '/open', { body: 'x'.repeat(200_000) });
    expect([big.status, big.json?.bodyBytes]).toEqual([200, 200_000]);
    expect(await upgradeStatusLine(httpPort, '/upload/socket')).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('applies a listener body limit to every route, replaced by a route\'s own', async () => {
    expect((await probe(cappedPort, '/x', { body: 'x'.repeat(51) })).status).toBe(413);
    expect((await probe(cappedPort, '/x', { body: 'x'.repeat(50) })).status).toBe(200);
    expect((await probe(cappedPort, '/bigger', { body: 'x'.repeat(1000) })).status).toBe(200);
    expect((await probe(cappedPort, '/bigger', { body: 'x'.repeat(1001) })).status).toBe(413);
    expect(await upgradeStatusLine(cappedPort, '/socket')).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('allows and denies by the client address after X-Forwarded-For (deny wins, IPv4 and IPv6)', async () => {
    const status = async (headers: Record<string, string>, path = '/ip') => (await probe(httpPort, path, { headers })).status;
    expect(await status(from('10.1.2.3'))).toBe(200);
    expect(await status(from('10.0.0.5'))).toBe(403);
    expect(await status(from('192.168.0.1'))).toBe(403);
    expect(await status(from('2001:db8::7'))).toBe(200);
    expect(await status(from('2001:db9::1'))).toBe(403);
    // Without X-Forwarded-For the client is the loopback peer, which is not allowed.
    expect(await status({})).toBe(403);
    // Other routes are not restricted.
    expect(await status(from('192.168.0.1'), '/open')).toBe(200);
  });

  it('rate limits with 429 after the burst: per client, or shared by the route', async () => {
    const statuses = async (path: string, ips: string[]) => {
      const out: number[] = [];
      for (const ip of ips) out.push((await probe(httpPort, path, { headers: from(ip) })).status);
      return out;
    };
    const a = '10.9.0.1';
    const b = '10.9.0.2';
    expect(await statuses('/limited-client', [a, a, a, a, b])).toEqual([200, 200, 200, 429, 200]);
    expect(await statuses('/limited-shared', [a, b, b])).toEqual([200, 200, 429]);
  });

  it('asks for basic credentials (401) and lets valid {SHA} users in; unsupported lines never match', async () => {
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const none = await probe(httpPort, '/basic');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect((await probe(httpPort, '/basic', { headers: basic('alice', 'nope') })).status).toBe(401);
    expect((await probe(httpPort, '/basic', { headers: basic('bob', 'anything') })).status).toBe(401);
    const ok = await probe(httpPort, '/basic/page', { headers: basic('alice', 'wonderland') });
    expect([ok.status, ok.json?.path]).toEqual([200, '/basic/page']);
    // WebSocket upgrades run their own filter chain (without the body limit): auth still applies.
    expect(await upgradeStatusLine(httpPort, '/basic/socket')).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('lets the auth service decide: 2xx passes with its headers, anything else is returned', async () => {
    const allowed = await probe(httpPort, '/auth/doc', { headers: { 'x-allow': 'yes', 'x-secret': 's3' } });
    expect([allowed.status, allowed.json?.headers['x-auth-user']]).toEqual([200, 'alice']);
    const check = auth.received.at(-1)!;
    expect(check.path).toBe('/check/auth/doc');
    expect(check.headers['x-allow']).toBe('yes');
    expect(check.headers['x-secret']).toBeUndefined();

    const denied = await probe(httpPort, '/auth/doc', { headers: { 'x-allow': 'no' } });
    expect([denied.status, denied.body]).toEqual([403, 'denied by auth']);

    // A client cannot smuggle the header the auth service vouches for.
    const spoofed = await probe(httpPort, '/auth/doc', { headers: { 'x-allow': 'anon', 'x-auth-user': 'mallory' } });
    expect(spoofed.status).toBe(200);
    expect(spoofed.json?.headers['x-auth-user']).toBeUndefined();
    // Other routes do not consult the auth service.
    const before = auth.received.length;
    expect((await probe(httpPort, '/open', { headers: { 'x-allow': 'no' } })).status).toBe(200);
    expect(auth.received.length).toBe(before);
  });

  it('answers listed upstream statuses from the error backend, keeping the status code', async () => {
    const viaQuery = await probe(httpPort, '/errors/page?status=503');
    expect(viaQuery.status).toBe(503);
    expect(viaQuery.json).toMatchObject({ backend: 'errors', path: '/errors/page?status=503' });
    expect(viaQuery.json.headers).toMatchObject({ 'x-code': '503', 'x-original-uri': '/errors/page?status=503' });

    // The error backend answers 200 here; the client still sees the upstream's 503.
    const failed = await probe(httpPort, '/failing/thing');
    expect([failed.status, failed.json?.backend, failed.json?.headers['x-code']]).toEqual([503, 'errors', '503']);

    const unlisted = await probe(httpPort, '/errors/page?status=500');
    expect([unlisted.status, unlisted.json?.backend]).toEqual([500, 'web']);

    // Local replies count too, as with nginx's error_page: here the 403 of the IP rules.
    const refused = await probe(httpPort, '/private/x');
    expect([refused.status, refused.json?.backend, refused.json?.headers['x-code']]).toEqual([403, 'errors', '403']);
  });

  it('answers the invalid share of traffic with 500 (weights 1:1 → about half)', async () => {
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      const r = await probe(httpPort, '/half');
      if (r.status === 500) failures++;
      else expect(r.status).toBe(200);
    }
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('ends a request whose upstream stays silent longer than the route idle timeout', async () => {
    const started = Date.now();
    const r = await probe(httpPort, '/idle');
    expect(r.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('terminates TLS on a TCP listener and proxies the decrypted bytes', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: tlsTcpPort, servername: 'tcp.example.com', ca: ca.cert });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no echo'));
      }, 5000);
      let data = '';
      socket.on('secureConnect', () => socket.write('ping over tls\n'));
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
        if (data.endsWith('\n')) {
          clearTimeout(timer);
          socket.end();
          resolve(data);
        }
      });
      socket.on('error', reject);
    });
    expect(echoed).toBe('ping over tls\n');
  });

  it('closes connections above the listener connection limit', async () => {
    const first = await connectAndAsk(limitedPort);
    const second = await connectAndAsk(limitedPort);
    expect([first.answered, second.answered]).toEqual([true, true]);
    const third = await connectAndAsk(limitedPort);
    third.socket.destroy();
    expect(third.answered).toBe(false);
    // Once one closes, a new connection is accepted again.
    first.socket.destroy();
    let again = { answered: false, socket: undefined as net.Socket | undefined };
    for (let i = 0; i < 20 && !again.answered; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await connectAndAsk(limitedPort, 1000);
      if (!again.answered) again.socket?.destroy();
    }
    second.socket.destroy();
    again.socket?.destroy();
    expect(again.answered).toBe(true);
  });
});
