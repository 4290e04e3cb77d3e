// Registry e2e helpers: a real r-nacos, McpBridge/route YAML, and instances kept alive by heartbeats.
import type { InstanceWrite, NacosHttpClient } from '@tidegate/providers';
import { startRnacos, type RnacosServer } from '@tidegate/providers';

export { startRnacos, type RnacosServer };

/** An McpBridge with one Nacos registry pointing at the test server. */
export function mcpBridge(
  nacos: RnacosServer,
  opts: { bridge?: string; name?: string; type?: 'nacos' | 'nacos2'; refreshMs?: number; groups?: string[]; namespaceId?: string; extra?: string } = {},
): string {
  const lines = [
    `    - name: ${opts.name ?? 'test-nacos'}`,
    `      type: ${opts.type ?? 'nacos2'}`,
    `      domain: ${nacos.host}`,
    `      port: ${nacos.httpPort}`,
    `      nacosRefreshInterval: ${(opts.refreshMs ?? 500) * 1_000_000}`,
  ];
  if (opts.groups) lines.push(`      nacosGroups: [${opts.groups.join(', ')}]`);
  if (opts.namespaceId) lines.push(`      nacosNamespaceId: ${opts.namespaceId}`);
  if (opts.extra) lines.push(opts.extra);
  return `
apiVersion: networking.higress.io/v1
kind: McpBridge
metadata: { name: ${opts.bridge ?? 'default'}, namespace: higress-system }
spec:
  registries:
${lines.join('\n')}
`;
}

/** An HTTPRoute on Gateway `gateway` sending `path` (prefix) to a registry host (backendRef kind networking.istio.io/Hostname). */
export function hostnameRoute(name: string, gateway: string, host: string, opts: { path?: string; port?: number; hostname?: string; sectionName?: string } = {}): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: ${gateway}${opts.sectionName ? `, sectionName: ${opts.sectionName}` : ''} }]${opts.hostname ? `\n  hostnames: ["${opts.hostname}"]` : ''}
  rules:
    - matches: [{ path: { type: PathPrefix, value: "${opts.path ?? '/'}" } }]
      backendRefs:
        - group: networking.istio.io
          kind: Hostname
          name: "${host}"${opts.port ? `\n          port: ${opts.port}` : ''}
`;
}

/**
 * Registers ephemeral instances and sends their heartbeats every `beatMs` (r-nacos marks an
 * instance unhealthy when beats stop). A beat the server no longer knows (after a restart)
 * registers the instance again, as Nacos clients do.
 */
export class InstanceKeeper {
  private readonly alive = new Map<string, InstanceWrite>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: NacosHttpClient,
    private readonly beatMs = 1000,
  ) {}

  async register(i: InstanceWrite): Promise<void> {
    await this.client.registerInstance({ ephemeral: true, ...i });
    this.alive.set(keyOf(i), { ephemeral: true, ...i });
    this.timer ??= setInterval(() => void this.beatAll(), this.beatMs);
  }

  /** Stops the heartbeats of one instance (it turns unhealthy after the server's timeout). */
  silence(i: Pick<InstanceWrite, 'service' | 'ip' | 'port' | 'group'>): void {
    this.alive.delete(keyOf(i));
  }

  async update(i: InstanceWrite): Promise<void> {
    const current = this.alive.get(keyOf(i));
    const merged = { ...current, ...i };
    await this.client.updateInstance(merged);
    if (current) this.alive.set(keyOf(i), merged);
  }

  async deregister(i: InstanceWrite): Promise<void> {
    this.alive.delete(keyOf(i));
    await this.client.deregisterInstance({ ephemeral: true, ...i });
  }

  /** Re-registers everything still alive (after a server restart). */
  async reregisterAll(): Promise<void> {
    for (const i of this.alive.values()) await this.client.registerInstance(i);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts the heartbeats again after stop() (e.g. once a restarted server is ready). */
  resume(): void {
    if (this.alive.size > 0) this.timer ??= setInterval(() => void this.beatAll(), this.beatMs);
  }

  private async beatAll(): Promise<void> {
    for (const i of [...this.alive.values()]) {
      try {
        await this.client.beat(i);
      } catch {
        // The server is down or restarting; the next beat tries again.
      }
    }
  }
}

const keyOf = (i: Pick<InstanceWrite, 'service' | 'ip' | 'port' | 'group'>): string => `${i.group ?? 'DEFAULT_GROUP'}@@${i.service}|${i.ip}:${i.port}`;

/** One upstream host as Envoy's admin `/clusters` shows it. */
export interface EnvoyHost {
  address: string;
  port: number;
  weight: number;
  health: string;
}

/** The hosts Envoy has for a cluster right now (from its admin API), sorted by port. */
export async function envoyHosts(adminAddress: string, cluster: string): Promise<EnvoyHost[]> {
  const res = await fetch(`http://${adminAddress}/clusters?format=json`, { signal: AbortSignal.timeout(3000) });
  const body = (await res.json()) as {
    cluster_statuses?: Array<{
      name: string;
      host_statuses?: Array<{
        address?: { socket_address?: { address?: string; port_value?: number } };
        weight?: number;
        health_status?: { eds_health_status?: string };
      }>;
    }>;
  };
  const status = body.cluster_statuses?.find((c) => c.name === cluster);
  return (status?.host_statuses ?? [])
    .map((h) => ({
      address: h.address?.socket_address?.address ?? '',
      port: h.address?.socket_address?.port_value ?? 0,
      weight: h.weight ?? 1,
      health: h.health_status?.eds_health_status ?? 'HEALTHY',
    }))
    .sort((a, b) => a.port - b.port);
}

/** Sends `count` GETs (`concurrency` at a time, keep-alive) and counts answers by echo backend name; non-200s count as `status:<n>`. */
export async function countBackends(port: number, path: string, count: number, concurrency = 8): Promise<Record<string, number>> {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const counts: Record<string, number> = {};
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path, agent, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let key = `status:${res.statusCode}`;
          if (res.statusCode === 200) {
            try {
              key = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { backend?: string }).backend);
            } catch {
              key = 'unparsable';
            }
          }
          counts[key] = (counts[key] ?? 0) + 1;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        counts[`error:${err.message}`] = (counts[`error:${err.message}`] ?? 0) + 1;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await one();
    }),
  );
  agent.destroy();
  return counts;
}
