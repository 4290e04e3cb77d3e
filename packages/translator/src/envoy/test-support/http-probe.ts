// A minimal HTTP/1.1 client for behaviour tests: fresh connection per request, Host and headers as given.
import * as http from 'node:http';

export interface ProbeResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body as JSON when it parses (echo backends answer JSON). */
  json?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/** Sends one request to 127.0.0.1:`port` and resolves with the whole answer. */
export function probe(port: number, path: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (options.body ? 'POST' : 'GET'),
        headers: { host: 'behaviour.test', ...options.headers },
        agent: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}
