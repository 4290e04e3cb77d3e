// Nacos 2.x push for one registry: keeps a gRPC connection up (with backoff) and turns NotifySubscriberRequests into instance updates.
import type { Logger } from '@tidegate/common';
import { NacosHttpClient, type NacosInstance } from '../nacos-http';
import type { PushChannel, PushEvents } from '../registry-watcher';
import type { NacosRegistryTarget } from '../types';
import { NacosConnection } from './connection';
import type { NacosMessage } from './payload';

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** A health check this often notices a server that vanished without closing the stream. */
const HEALTH_CHECK_MS = 3_000;

/**
 * One registry's push subscription. `up` is true only while a set-up connection exists;
 * every drop reports `onDown` (subscriptions are gone with the connection) and the channel
 * reconnects by itself; `onUp` asks the watcher to subscribe again.
 */
export class NacosPushChannel implements PushChannel {
  private connection?: NacosConnection;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private health?: NodeJS.Timeout;
  private backoffMs = BACKOFF_MIN_MS;
  private readonly login?: NacosHttpClient;
  private readonly log: Logger;

  constructor(
    private readonly target: NacosRegistryTarget,
    private readonly events: PushEvents,
    logger: Logger,
  ) {
    this.log = logger.child({ registry: target.key, channel: 'grpc' });
    // Login goes over HTTP (as Nacos clients do); the token rides on every gRPC request.
    if (target.credentials?.username) {
      this.login = new NacosHttpClient({ address: target.address, credentials: target.credentials, timeoutMs: 5000, maxSockets: 1 });
    }
  }

  get up(): boolean {
    return this.connection?.isOpen === true;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.health);
    this.connection?.close('stopped');
    this.connection = undefined;
    this.login?.close();
  }

  async subscribe(group: string, service: string): Promise<NacosInstance[]> {
    const body = await this.requireConnection().request('SubscribeServiceRequest', {
      namespace: this.target.namespaceId,
      groupName: group,
      serviceName: service,
      clusters: '',
      subscribe: true,
    });
    return instancesOf(body.serviceInfo);
  }

  async unsubscribe(group: string, service: string): Promise<void> {
    await this.requireConnection().request('SubscribeServiceRequest', {
      namespace: this.target.namespaceId,
      groupName: group,
      serviceName: service,
      clusters: '',
      subscribe: false,
    });
  }

  private requireConnection(): NacosConnection {
    const c = this.connection;
    if (!c?.isOpen) throw new Error('push connection is down');
    return c;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const conn = new NacosConnection({
      host: this.target.address.host,
      port: this.target.grpcPort,
      namespaceId: this.target.namespaceId,
      token: this.login ? () => this.login!.loginToken() : undefined,
      onServerRequest: (msg) => this.onServerRequest(msg),
      onClosed: (reason) => this.onClosed(conn, reason),
    });
    this.connection = conn;
    try {
      await conn.open();
    } catch (err) {
      if (this.connection === conn) this.connection = undefined;
      conn.close('open failed');
      if (!this.stopped) this.log.debug({ err: (err as Error).message }, 'push connection failed; retrying');
      this.retry();
      return;
    }
    if (this.stopped || this.connection !== conn) {
      conn.close('stopped');
      return;
    }
    this.backoffMs = BACKOFF_MIN_MS;
    clearInterval(this.health);
    this.health = setInterval(() => {
      conn.request('HealthCheckRequest', {}).catch((err: Error) => conn.close(`health check failed: ${err.message}`));
    }, HEALTH_CHECK_MS);
    this.health.unref();
    this.events.onUp();
  }

  private onClosed(conn: NacosConnection, reason: string): void {
    if (this.connection !== conn) return;
    this.connection = undefined;
    clearInterval(this.health);
    if (this.stopped) return;
    this.events.onDown(reason);
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.backoffMs);
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
  }

  private onServerRequest(msg: NacosMessage): void {
    if (msg.type !== 'NotifySubscriberRequest') return;
    const info = msg.body.serviceInfo as { name?: string; groupName?: string } | undefined;
    // The request names the service; older servers only fill serviceInfo (whose name may be `GROUP@@service`).
    let group = String(msg.body.groupName ?? info?.groupName ?? '');
    let service = String(msg.body.serviceName ?? info?.name ?? '');
    if (service.includes('@@')) [group, service] = service.split('@@', 2) as [string, string];
    if (!group || !service) return;
    this.events.onPush(group, service, instancesOf(info));
  }
}

function instancesOf(serviceInfo: unknown): NacosInstance[] {
  const hosts = (serviceInfo as { hosts?: unknown[] } | undefined)?.hosts;
  if (!Array.isArray(hosts)) return [];
  return hosts.map((raw) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const metadata: Record<string, string> = {};
    if (r.metadata && typeof r.metadata === 'object') for (const [k, v] of Object.entries(r.metadata as object)) metadata[k] = String(v);
    const i: NacosInstance = {
      ip: String(r.ip ?? ''),
      port: Number(r.port ?? 0),
      weight: typeof r.weight === 'number' ? r.weight : 1,
      healthy: r.healthy !== false,
      enabled: r.enabled !== false,
      ephemeral: r.ephemeral !== false,
      metadata,
    };
    if (typeof r.clusterName === 'string' && r.clusterName) i.clusterName = r.clusterName;
    return i;
  });
}
