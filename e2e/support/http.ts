// A small HTTP client for e2e tests: full control of Host and headers, JSON bodies decoded.
import * as http from 'node:http';
import * as net from 'node:net';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON when it is JSON (echo backends answer JSON). */
  json?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HttpOptions {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  address?: string;
}

export function httpRequest(port: number, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: options.address ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? 'localhost', ...options.headers },
        agent: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              json = JSON.parse(body);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 5000} ms: ${path}`)));
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes (then throws with the last error). */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'never checked';
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = `last result ${JSON.stringify(value)}`;
    } catch (err) {
      last = `last error ${String(err)}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A port nobody listens on right now (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
