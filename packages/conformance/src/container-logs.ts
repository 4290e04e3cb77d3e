// Container logs as a kubelet serves them (GET /containerLogs/NS/POD/CONTAINER), so `kubectl logs` and the suite's log checks work.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCa } from '@tidegate/testkit';

/** Lines kept per container: enough for a conformance test's look-back, bounded in memory. */
const MAX_LINES = 20_000;

/** One container's output, line by line with the time each line arrived. */
export class LogBuffer {
  private readonly lines: Array<{ time: Date; text: string }> = [];
  private partial = '';

  write(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    const time = new Date();
    for (const text of parts) this.lines.push({ time, text });
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  /** The lines since a time (or all), the last `tail` of them, optionally prefixed with their RFC 3339 time as a kubelet does. */
  read(options: { since?: Date; tail?: number; timestamps?: boolean } = {}): string {
    let lines = options.since ? this.lines.filter((l) => l.time >= options.since!) : this.lines;
    if (options.tail !== undefined && options.tail >= 0) lines = lines.slice(Math.max(0, lines.length - options.tail));
    return lines.map((l) => `${options.timestamps ? `${l.time.toISOString()} ` : ''}${l.text}\n`).join('');
  }
}

export interface ContainerLogServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `/containerLogs/{namespace}/{pod}/{container}` over HTTPS on 127.0.0.1 (the API server
 * proxies pod log requests to the Node's kubelet endpoint and does not verify its certificate
 * unless told to). Honours sinceTime, sinceSeconds, tailLines and timestamps.
 */
export async function startContainerLogServer(lookup: (namespace: string, pod: string, container: string) => LogBuffer | undefined): Promise<ContainerLogServer> {
  const ca = createTestCa('tidegate conformance node');
  const leaf = ca.issue(['localhost']);
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const buffer = m ? lookup(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)) : undefined;
    if (req.method !== 'GET' || !buffer) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const q = url.searchParams;
    let since: Date | undefined;
    if (q.get('sinceTime')) since = new Date(q.get('sinceTime')!);
    else if (q.get('sinceSeconds')) since = new Date(Date.now() - Number(q.get('sinceSeconds')) * 1000);
    const tail = q.get('tailLines') ? Number(q.get('tailLines')) : undefined;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(buffer.read({ ...(since ? { since } : {}), ...(tail !== undefined ? { tail } : {}), timestamps: q.get('timestamps') === 'true' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
