// Watches one Nacos registry: lists services at the refresh interval, fetches instances (or takes pushes), keeps the last known state.
import deepEqual from 'fast-deep-equal';
import type { KubeObject, Logger } from '@tidegate/common';
import { mapLimit } from './map-limit';
import { NacosHttpClient, type NacosInstance } from './nacos-http';
import { publishedInstances, registryServiceObject, type PublishedInstance } from './registry-service-object';
import type { NacosRegistryTarget, RegistryStatus } from './types';

/** Pushes of one registry (Nacos 2.x gRPC); the watcher polls while it is down. */
export interface PushChannel {
  /** True while connected and able to subscribe. */
  readonly up: boolean;
  start(): void;
  stop(): Promise<void>;
  /** Subscribes and returns the current instances. */
  subscribe(group: string, service: string): Promise<NacosInstance[]>;
  unsubscribe(group: string, service: string): Promise<void>;
}

/** Callbacks a push channel reports to. */
export interface PushEvents {
  onPush(group: string, service: string, instances: NacosInstance[]): void;
  onUp(): void;
  onDown(reason: string): void;
}

export interface RegistryWatcherOptions {
  target: NacosRegistryTarget;
  logger: Logger;
  /** Called (synchronously) whenever the set of objects changed. */
  onChange: () => void;
  /** Requests in flight at once against this registry (default 16). */
  concurrency?: number;
  timeoutMs?: number;
  /** Makes the push channel for `nacos2` registries (absent: poll only). */
  push?: (target: NacosRegistryTarget, events: PushEvents) => PushChannel;
}

interface ServiceState {
  group: string;
  service: string;
  instances: PublishedInstance[];
  object: KubeObject;
  /** Kept up to date by pushes (on the current push connection). */
  subscribed: boolean;
}

const key = (group: string, service: string): string => `${group}@@${service}`;
/** Longest the first read waits for a nacos2 push connection before it polls. */
const PUSH_START_WAIT_MS = 2000;

/**
 * The last known state of one registry, refreshed every `refreshIntervalMs` (fixed cadence:
 * a service is re-read at most one interval after it changed, whatever its place in the
 * listing). Anything that fails keeps its last known instances and marks the registry stale;
 * a service leaves only when a successful listing no longer has it.
 */
export class RegistryWatcher {
  readonly target: NacosRegistryTarget;
  private readonly http: NacosHttpClient;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly services = new Map<string, ServiceState>();
  private readonly push?: PushChannel;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private first?: Promise<void>;
  private stale = false;
  private failures = 0;
  private lastSync?: Date;
  private lastError?: { message: string; at: Date };
  private pushUp?: () => void;

  constructor(private readonly options: RegistryWatcherOptions) {
    this.target = options.target;
    this.log = options.logger.child({ registry: options.target.key });
    this.concurrency = options.concurrency ?? 16;
    this.http = new NacosHttpClient({
      address: options.target.address,
      credentials: options.target.credentials,
      timeoutMs: options.timeoutMs ?? 5000,
      maxSockets: this.concurrency,
    });
    if (options.target.type === 'nacos2' && options.push) {
      this.push = options.push(options.target, {
        onPush: (group, service, instances) => this.applyPush(group, service, instances),
        onUp: () => {
          this.log.info('push connection up; subscribing');
          // During start-up the first read is about to subscribe anyway.
          if (this.pushUp) this.pushUp();
          else this.refreshSoon();
        },
        onDown: (reason) => {
          for (const s of this.services.values()) s.subscribed = false;
          if (!this.stopped) this.log.warn({ reason }, 'push connection down; polling until it is back');
          this.refreshSoon();
        },
      });
    }
  }

  /** Resolves after the first refresh, successful or not. */
  start(): Promise<void> {
    this.first ??= (async () => {
      if (this.push) {
        // Give the push connection a moment, so the first read subscribes instead of polling everything twice.
        const up = new Promise<void>((resolve) => (this.pushUp = resolve));
        this.push.start();
        await Promise.race([up, new Promise((r) => setTimeout(r, PUSH_START_WAIT_MS))]);
        this.pushUp = undefined;
      }
      await this.refresh();
      this.schedule(Date.now());
    })();
    return this.first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.push?.stop();
    await this.running?.catch(() => undefined);
    this.http.close();
  }

  /** The services' objects, sorted by name. */
  objects(): KubeObject[] {
    return [...this.services.values()]
      .map((s) => s.object)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  status(): RegistryStatus {
    let instances = 0;
    for (const s of this.services.values()) instances += s.instances.length;
    const t = this.target;
    const out: RegistryStatus = {
      key: t.key,
      type: t.type,
      address: `${t.address.host}:${t.address.port}`,
      stale: this.stale,
      mode: this.push?.up ? 'push' : 'poll',
      services: this.services.size,
      instances,
      refreshIntervalMs: t.refreshIntervalMs,
      failures: this.failures,
    };
    if (this.lastSync) out.lastSync = this.lastSync.toISOString();
    if (this.lastError) {
      out.lastError = this.lastError.message;
      out.lastErrorAt = this.lastError.at.toISOString();
    }
    return out;
  }

  /** Next refresh one interval after the previous one started (or now, when that has passed). */
  private schedule(lastStart: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const wait = Math.max(0, lastStart + this.target.refreshIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.refresh().finally(() => this.schedule(started));
    }, wait);
  }

  private refreshSoon(): void {
    if (this.stopped || !this.first) return;
    void this.refresh();
  }

  /** One refresh at a time; a request during one runs once more after it. */
  private refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshOnce()
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const t = this.target;
    const listed: Array<{ group: string; service: string }> = [];
    const failedGroups = new Set<string>();
    let error: unknown;
    for (const group of t.groups) {
      try {
        for (const service of await this.http.listServices(t.namespaceId, group)) {
          // Dubbo consumers register too; nobody routes to them.
          if (!service.startsWith('consumers:')) listed.push({ group, service });
        }
      } catch (err) {
        failedGroups.add(group);
        error ??= err;
      }
    }
    if (this.stopped) return;
    const next = new Map<string, ServiceState>();
    // A group that could not be listed keeps every service it had.
    for (const s of this.services.values()) if (failedGroups.has(s.group)) next.set(key(s.group, s.service), s);

    const pushUp = this.push?.up === true;
    const results = await mapLimit(listed, this.concurrency, async ({ group, service }) => {
      const prev = this.services.get(key(group, service));
      if (pushUp && prev?.subscribed) return prev;
      const instances = pushUp ? await this.push!.subscribe(group, service) : await this.http.listInstances(t.namespaceId, group, service);
      return this.state(group, service, publishedInstances(instances), pushUp, prev);
    });
    if (this.stopped) return;
    results.forEach((r, i) => {
      const { group, service } = listed[i]!;
      if (r.status === 'fulfilled') {
        // A push that landed while this refresh ran is newer than what the refresh read.
        const current = this.services.get(key(group, service));
        next.set(key(group, service), r.value.subscribed && current?.subscribed ? current : r.value);
      } else {
        error ??= r.reason;
        const prev = this.services.get(key(group, service));
        if (prev) next.set(key(group, service), { ...prev, subscribed: false });
      }
    });
    // Services gone from a successful listing: stop their pushes.
    if (pushUp) {
      for (const [k, s] of this.services) {
        if (!next.has(k) && s.subscribed) this.push!.unsubscribe(s.group, s.service).catch(() => undefined);
      }
    }
    const changed = this.replace(next);
    if (error !== undefined) this.fail(error);
    else {
      if (this.stale) this.log.info({ services: next.size }, 'registry reachable again');
      this.stale = false;
      this.lastSync = new Date();
    }
    if (changed) this.options.onChange();
  }

  /** A state for a service, reusing the previous object when nothing changed (translators cache by identity). */
  private state(group: string, service: string, instances: PublishedInstance[], subscribed: boolean, prev?: ServiceState): ServiceState {
    if (prev && deepEqual(prev.instances, instances)) return { ...prev, subscribed };
    return { group, service, instances, subscribed, object: registryServiceObject(this.target, group, service, instances) };
  }

  private replace(next: Map<string, ServiceState>): boolean {
    let changed = next.size !== this.services.size;
    if (!changed) {
      for (const [k, s] of next) {
        if (this.services.get(k)?.object !== s.object) {
          changed = true;
          break;
        }
      }
    }
    this.services.clear();
    for (const [k, s] of next) this.services.set(k, s);
    return changed;
  }

  private applyPush(group: string, service: string, instances: NacosInstance[]): void {
    if (this.stopped) return;
    const k = key(group, service);
    const prev = this.services.get(k);
    // A push for a service the last listing did not have waits for the next listing.
    if (!prev) return;
    const next = this.state(group, service, publishedInstances(instances), true, prev);
    this.services.set(k, next);
    if (next.object !== prev.object) this.options.onChange();
  }

  private fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!this.stale) this.log.warn({ err: message }, 'registry refresh failed; keeping the last known endpoints');
    this.stale = true;
    this.failures++;
    this.lastError = { message, at: new Date() };
  }
}
