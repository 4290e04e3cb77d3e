// Starts a server on an ephemeral port with a fresh cache, registry and raw client.
import { Registry } from 'prom-client';
import { SnapshotCache } from '../snapshot-cache';
import { XdsServer, type XdsServerOptions } from '../xds-server';
import { TestXdsClient } from './xds-client';

export const NODE = { id: 'proxy-1', cluster: 'g1' };
export const GROUP = 'g1';

export interface Harness {
  cache: SnapshotCache;
  server: XdsServer;
  registry: Registry;
  port: number;
  client: TestXdsClient;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<XdsServerOptions> = {}): Promise<Harness> {
  const cache = options.cache ?? new SnapshotCache();
  const registry = options.registry ?? new Registry();
  const server = new XdsServer({ ...options, cache, registry });
  const port = await server.listen('127.0.0.1', 0);
  const client = new TestXdsClient(port);
  return {
    cache,
    server,
    registry,
    port,
    client,
    async close() {
      client.close();
      await server.close();
    },
  };
}

/** Current value of a counter/gauge series (0 if the series does not exist). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want) && !('le' in v.labels));
  return match?.value ?? 0;
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
