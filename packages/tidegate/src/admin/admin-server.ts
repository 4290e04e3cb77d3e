// Control-plane admin HTTP: metrics, health, readiness and debug views.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger } from '@tidegate/common';
import type { ControlPlane } from '../control-plane';
import { dumpResourceSet } from './config-dump';

const log = getLogger('admin');

type Handler = (url: URL) => Promise<{ status: number; body: unknown; contentType?: string }>;

export class AdminServer {
  private server?: http.Server;

  constructor(private readonly plane: ControlPlane) {}

  async listen(host: string, port: number): Promise<number> {
    const routes: Record<string, Handler> = {
      '/healthz': async () => ({ status: 200, body: 'ok\n', contentType: 'text/plain' }),
      '/readyz': async () =>
        this.plane.isReady()
          ? { status: 200, body: 'ready\n', contentType: 'text/plain' }
          : { status: 503, body: 'waiting for the first complete configuration\n', contentType: 'text/plain' },
      '/metrics': async () => ({
        status: 200,
        body: await this.plane.metrics.registry.metrics(),
        contentType: this.plane.metrics.registry.contentType,
      }),
      '/debug/syncz': async () => ({ status: 200, body: this.plane.xds.syncStatus() }),
      '/debug/status': async () => ({ status: 200, body: this.plane.statusReport() }),
      '/debug/ir': async () => ({ status: 200, body: this.plane.currentIr() }),
      '/debug/registries': async () => ({ status: 200, body: this.plane.registryStatus() }),
      '/debug/ingress': async (url) => ({ status: 200, body: this.plane.ingressReport(url.searchParams.get('ingress') ?? undefined) }),
      '/debug/config_dump': async (url) => this.configDump(url),
    };
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://admin');
      const handler = routes[url.pathname];
      if (!handler || req.method !== 'GET') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such endpoint; try ${Object.keys(routes).join(' ')}\n`);
        return;
      }
      handler(url).then(
        ({ status, body, contentType }) => {
          const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n';
          res.writeHead(status, { 'content-type': contentType ?? 'application/json' }).end(text);
        },
        (err: unknown) => {
          log.error({ err, path: url.pathname }, 'admin handler failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  private async configDump(url: URL): Promise<{ status: number; body: unknown }> {
    const node = url.searchParams.get('node');
    const groups = this.plane.cache.groups();
    if (!node) return { status: 400, body: { error: 'pass ?node=<node id or proxy group>', proxyGroups: groups } };
    const group = groups.includes(node)
      ? node
      : this.plane.xds.syncStatus().find((s) => s.nodeId === node)?.group;
    const set = group === undefined ? undefined : this.plane.cache.get(group);
    if (!set) return { status: 404, body: { error: `no proxy or proxy group "${node}"`, proxyGroups: groups } };
    return { status: 200, body: { proxyGroup: group, resources: dumpResourceSet(set) } };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
