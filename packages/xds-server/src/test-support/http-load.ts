// Tiny HTTP backends and a bounded keep-alive load loop, for tests that watch Envoy serve traffic.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Backend {
  name: string;
  port: number;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 answering every request 200 with its name. */
export async function startBackend(name: string): Promise<Backend> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  });
  // Longer than any test: an idle upstream connection closed under Envoy would be a 503 we did not cause.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One GET on 127.0.0.1:`port`; status 0 means a connection error. */
export function get(port: number, agent: http.Agent, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

export interface LoadResult {
  requests: number;
  /** Count per non-200 status; status 0 = connection error or timeout. */
  failures: Map<number, number>;
  /** A few failed responses, for the failure message. */
  samples: string[];
}

/**
 * Runs `concurrency` keep-alive request loops against 127.0.0.1:`port` until `stop()`, or
 * until `maxMs` or `maxRequests` is reached, whichever comes first.
 */
export function startLoad(opts: { port: number; concurrency: number; maxMs: number; maxRequests: number }): {
  stop(): Promise<LoadResult>;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const result: LoadResult = { requests: 0, failures: new Map(), samples: [] };
  const deadline = Date.now() + opts.maxMs;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline && result.requests < opts.maxRequests) {
      result.requests++;
      const { status, body } = await get(opts.port, agent);
      if (status !== 200) {
        result.failures.set(status, (result.failures.get(status) ?? 0) + 1);
        if (result.samples.length < 5) result.samples.push(`${status} ${body.slice(0, 100)}`);
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, worker);
  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
