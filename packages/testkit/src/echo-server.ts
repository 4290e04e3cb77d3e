// An HTTP backend that answers with what it received, for examples, e2e tests and benchmarks.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface EchoOptions {
  /** Reported in every response as `backend`, so tests see which backend answered. */
  name: string;
  host?: string;
  port?: number;
  /** `h1`: HTTP/1.1 (and WebSocket); `h2c`: HTTP/2 prior knowledge; `tls`: HTTPS with h2 and http/1.1 via ALPN. */
  protocol?: 'h1' | 'h2c' | 'tls';
  tls?: { cert: string; key: string };
  /** Status for requests that do not ask for one (e.g. 500 to play a broken endpoint). */
  status?: number;
}

/** What the echo server answers, as JSON. */
export interface EchoReply {
  backend: string;
  method: string;
  path: string;
  host: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  httpVersion: string;
  remoteAddress?: string;
}

export interface EchoServer {
  readonly name: string;
  readonly port: number;
  readonly address: string;
  /** Every request received, in order (mirrors and retries show up here). */
  readonly received: EchoReply[];
  /** Changes the default status while running (health checks and outlier detection see it). */
  setStatus(status: number): void;
  close(): Promise<void>;
}

/**
 * Behaviour switches, as query parameters a test sends through the gateway:
 * `status=503` answers with that status; `delay=300` waits that many ms first;
 * `fail-first=N` answers 503 to the first N requests carrying the same `key`.
 */
type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

export async function startEcho(options: EchoOptions): Promise<EchoServer> {
  const received: EchoReply[] = [];
  let defaultStatus = options.status ?? 200;
  const failures = new Map<string, number>();
  const handler = (req: Req, res: Res): void => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://echo');
      const reply: EchoReply = {
        backend: options.name,
        method: req.method ?? '',
        path: req.url ?? '',
        host: (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '',
        headers: { ...req.headers },
        bodyBytes,
        httpVersion: req.httpVersion,
        remoteAddress: req.socket?.remoteAddress,
      };
      received.push(reply);
      let status = Number(url.searchParams.get('status') ?? defaultStatus);
      const failFirst = Number(url.searchParams.get('fail-first') ?? 0);
      if (failFirst > 0) {
        const key = url.searchParams.get('key') ?? '';
        const seen = failures.get(key) ?? 0;
        failures.set(key, seen + 1);
        if (seen < failFirst) status = 503;
      }
      const delay = Number(url.searchParams.get('delay') ?? 0);
      const send = (): void => {
        if (res.writableEnded || res.destroyed) return;
        const body = JSON.stringify(reply);
        res.writeHead(status, { 'content-type': 'application/json', 'x-echo-backend': options.name });
        res.end(body);
      };
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  };
  const protocol = options.protocol ?? 'h1';
  const server: http.Server | http2.Http2Server | https.Server =
    protocol === 'h2c'
      ? http2.createServer(handler)
      : protocol === 'tls'
        ? http2.createSecureServer({ ...options.tls!, allowHTTP1: true }, handler)
        : http.createServer(handler);
  if (protocol === 'h1') {
    // WebSocket: echo each message back, prefixed with the backend name.
    const wss = new WebSocketServer({ server: server as http.Server });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`${options.name}:${String(data)}`)));
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    name: options.name,
    port: address.port,
    address: address.address,
    received,
    setStatus: (status) => {
      defaultStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) (server as http.Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
