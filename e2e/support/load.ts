// A bounded background load (count and time capped) that records every outcome.
import * as http from 'node:http';

export interface LoadResult {
  sent: number;
  ok: number;
  failures: Array<{ status?: number; error?: string; at: number }>;
  /** Values of `observeHeader` (or the echo `backend` field) seen, in order of first sight. */
  seen: string[];
}

export interface Load {
  /** Stops sending and resolves when in-flight requests are done. */
  stop(): Promise<LoadResult>;
  current(): LoadResult;
}

export function startLoad(opts: {
  port: number;
  path: string;
  host?: string;
  concurrency?: number;
  maxDurationMs: number;
  maxRequests: number;
  /** Response header whose distinct values are recorded. */
  observeHeader?: string;
}): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 });
  const result: LoadResult = { sent: 0, ok: 0, failures: [], seen: [] };
  const seen = new Set<string>();
  const started = Date.now();
  let stopped = false;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      result.sent++;
      const req = http.request(
        { host: '127.0.0.1', port: opts.port, path: opts.path, agent, headers: { host: opts.host ?? 'localhost' }, timeout: 5000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) result.ok++;
            else result.failures.push({ status: res.statusCode, at: Date.now() - started });
            const v = opts.observeHeader ? res.headers[opts.observeHeader] : undefined;
            if (typeof v === 'string' && !seen.has(v)) {
              seen.add(v);
              result.seen.push(v);
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        result.failures.push({ error: err.message, at: Date.now() - started });
        resolve();
      });
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() - started < opts.maxDurationMs && result.sent < opts.maxRequests) await one();
  };
  const workers = Array.from({ length: opts.concurrency ?? 4 }, worker);
  return {
    current: () => result,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
