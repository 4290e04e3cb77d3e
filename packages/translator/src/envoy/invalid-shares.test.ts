// Invalid backend shares in a real Envoy: a gRPC route's share fails as UNAVAILABLE (not 500),
// and a TCP route's share of connections is closed.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { EnvoyProcess } from '@tidegate/envoy-runner';
import type { ProxyGroup } from '@tidegate/ir';
import { type EchoServer, startEcho } from '@tidegate/testkit';
import { freePort, startStaticEnvoy } from './test-support/static-envoy';

/** A TCP server that answers every chunk with `echo:<chunk>`. */
async function startTcpEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d) => s.write(`echo:${d.toString()}`));
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

/** One gRPC-shaped call (h2c POST, application/grpc, an empty message); resolves with the response headers and trailers. */
function grpcCall(session: http2.ClientHttp2Session, path: string): Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const timer = setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), 5000);
    req.on('response', (h) => (headers = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', () => undefined);
    req.on('end', () => {
      clearTimeout(timer);
      resolve({ headers, trailers });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

/** Opens a connection, sends `ping` and resolves true when the echo answers, false when Envoy closes it first. */
function tcpAnswered(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 3000);
    socket.on('connect', () => socket.write('ping'));
    socket.on('data', () => done(true));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

describe('invalid backend shares in a real Envoy', () => {
  let envoy: EnvoyProcess | undefined;
  let web: EchoServer;
  let tcpEcho: { port: number; close(): Promise<void> };
  let httpPort: number;
  let tcpPort: number;

  beforeAll(async () => {
    [web, tcpEcho] = await Promise.all([startEcho({ name: 'web' }), startTcpEcho()]);
    [httpPort, tcpPort] = [await freePort(), await freePort()];
    const group: ProxyGroup = {
      name: 'invalid-shares',
      httpListeners: [
        {
          name: 'main',
          address: '127.0.0.1',
          port: httpPort,
          virtualHosts: [
            {
              name: 'all',
              domains: ['*'],
              routes: [
                {
                  name: 'grpc-half',
                  match: { path: { type: 'string-prefix', value: '/grpc.Half/' } },
                  action: { kind: 'forward', backends: [{ backend: 'web', weight: 1 }], invalidWeight: 1, invalidStatus: 503 },
                },
                {
                  name: 'http-half',
                  match: { path: { type: 'string-prefix', value: '/http.Half/' } },
                  action: { kind: 'forward', backends: [{ backend: 'web', weight: 1 }], invalidWeight: 1 },
                },
              ],
            },
          ],
        },
      ],
      tcpListeners: [
        {
          name: 'tcp',
          address: '127.0.0.1',
          port: tcpPort,
          routes: [{ name: 'half', backends: [{ backend: 'tcp-echo', weight: 1 }], invalidWeight: 1 }],
        },
      ],
      grpcApiListeners: [],
      backends: [
        { name: 'web', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: web.port }] } },
        { name: 'tcp-echo', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: tcpEcho.port }] } },
      ],
      secrets: [],
    };
    envoy = await startStaticEnvoy(group);
  }, 30_000);

  afterAll(async () => {
    await envoy?.stop();
    await Promise.all([web?.close(), tcpEcho?.close()]);
  });

  /** Makes `count` calls on one h2c connection and tallies the invalid share's answers by `grpc-status`. */
  async function tally(path: string, count: number) {
    const session = http2.connect(`http://127.0.0.1:${httpPort}`);
    try {
      const out = { unavailable: 0, unknown: 0, forwarded: 0, other: [] as string[] };
      for (let i = 0; i < count; i++) {
        const { headers, trailers } = await grpcCall(session, path);
        // Envoy's local reply to a gRPC request is trailers-only: grpc-status rides in the headers.
        const grpcStatus = headers['grpc-status'] ?? trailers['grpc-status'];
        const ok = Number(headers[':status']) === 200;
        if (ok && grpcStatus === '14' && headers['content-type'] === 'application/grpc') out.unavailable++;
        else if (ok && grpcStatus === '2') out.unknown++;
        else if (ok && grpcStatus === undefined && String(headers['content-type']).startsWith('application/json')) out.forwarded++;
        else out.other.push(JSON.stringify(headers));
      }
      return out;
    } finally {
      session.close();
    }
  }

  it('answers the invalid share of a gRPC route with grpc-status 14 UNAVAILABLE (HTTP 200, trailers-only)', async () => {
    const t = await tally('/grpc.Half/Call', 200);
    expect(t.other).toEqual([]);
    expect(t.unknown).toBe(0);
    expect(t.unavailable + t.forwarded).toBe(200);
    expect(t.unavailable).toBeGreaterThan(60);
    expect(t.unavailable).toBeLessThan(140);
  });

  it('still answers 500 for an HTTP route, which a gRPC client reads as UNKNOWN', async () => {
    const t = await tally('/http.Half/Call', 100);
    expect(t.unavailable).toBe(0);
    expect(t.unknown).toBeGreaterThan(20);
    expect(t.unknown + t.forwarded).toBe(100);
  });

  it('closes the invalid share of TCP connections (weights 1:1 → about half)', async () => {
    let answered = 0;
    for (let i = 0; i < 100; i++) if (await tcpAnswered(tcpPort)) answered++;
    expect(answered).toBeGreaterThan(25);
    expect(answered).toBeLessThan(75);
  });
});
