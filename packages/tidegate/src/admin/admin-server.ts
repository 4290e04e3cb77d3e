// Control-plane admin HTTP: metrics, health, readiness and debug views, every answer redacted of secrets.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger, redactSecrets, redactText } from '@tidegate/common';
import type { ControlPlane } from '../control-plane';
import { dumpResourceSet } from './config-dump';

const log = getLogger('admin');

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
}

/** One admin endpoint: what it serves and the query parameters it reads. */
export interface AdminRoute {
  path: string;
  /** Query parameters the handler reads (the admin tests fetch each with every value they know). */
  query: readonly string[];
  handler: (plane: ControlPlane, url: URL) => Promise<Reply>;
}

const text = (status: number, body: string): Reply => ({ status, body, contentType: 'text/plain' });

/** Every admin endpoint. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { path: '/healthz', query: [], handler: async () => text(200, 'ok\n') },
  {
    path: '/readyz',
    query: [],
    handler: async (plane) => (plane.isReady() ? text(200, 'ready\n') : text(503, 'waiting for the first complete configuration\n')),
  },
  {
    path: '/metrics',
    query: [],
    handler: async (plane) => ({ status: 200, body: await plane.metrics.registry.metrics(), contentType: plane.metrics.registry.contentType }),
  },
  { path: '/debug/syncz', query: [], handler: async (plane) => ({ status: 200, body: plane.xds.syncStatus() }) },
  { path: '/debug/status', query: [], handler: async (plane) => ({ status: 200, body: plane.statusReport() }) },
  { path: '/debug/ir', query: [], handler: async (plane) => ({ status: 200, body: plane.currentIr() }) },
  { path: '/debug/registries', query: [], handler: async (plane) => ({ status: 200, body: plane.registryStatus() }) },
  { path: '/debug/ingress', query: ['ingress'], handler: async (plane, url) => ({ status: 200, body: plane.ingressReport(url.searchParams.get('ingress') ?? undefined) }) },
  { path: '/debug/config_dump', query: ['node'], handler: async (plane, url) => configDump(plane, url) },
];

/** What the metrics listener serves: nothing about the configuration, so it can face the network (probes, Prometheus). */
export const METRICS_PATHS: readonly string[] = ['/metrics', '/healthz', '/readyz'];

export class AdminServer {
  private server?: http.Server;
  private readonly routes: ReadonlyMap<string, AdminRoute>;

  /** Serves `paths` of ADMIN_ROUTES (default all of them). */
  constructor(
    private readonly plane: ControlPlane,
    paths?: readonly string[],
  ) {
    this.routes = new Map(ADMIN_ROUTES.filter((r) => !paths || paths.includes(r.path)).map((r) => [r.path, r]));
  }

  async listen(host: string, port: number): Promise<number> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://admin');
      const route = this.routes.get(url.pathname);
      const reply = !route || req.method !== 'GET'
        ? Promise.resolve(text(404, `no such endpoint; try ${[...this.routes.keys()].join(' ')}\n`))
        : route.handler(this.plane, url).catch((err: unknown) => {
            log.error({ err, path: url.pathname }, 'admin handler failed');
            return text(500, String(err));
          });
      void reply.then(({ status, body, contentType }) => {
        res.writeHead(status, { 'content-type': contentType ?? 'application/json' }).end(render(body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The one way out of the admin server: every answer, whatever the endpoint, without its secrets. */
function render(body: unknown): string {
  return typeof body === 'string' ? redactText(body) : JSON.stringify(redactSecrets(body), null, 2) + '\n';
}

async function configDump(plane: ControlPlane, url: URL): Promise<Reply> {
  const node = url.searchParams.get('node');
  const groups = plane.cache.groups();
  if (!node) return { status: 400, body: { error: 'pass ?node=<node id or proxy group>', proxyGroups: groups } };
  const group = groups.includes(node) ? node : plane.xds.syncStatus().find((s) => s.nodeId === node)?.group;
  const set = group === undefined ? undefined : plane.cache.get(group);
  if (!set) return { status: 404, body: { error: `no proxy or proxy group "${node}"`, proxyGroups: groups } };
  return { status: 200, body: { proxyGroup: group, resources: dumpResourceSet(set) } };
}
