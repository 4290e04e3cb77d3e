// The Nacos registry provider: watches the registries McpBridges declare and publishes their services as RegistryService objects.
import deepEqual from 'fast-deep-equal';
import type { Observable, Subscription } from 'rxjs';
import { Topic, getLogger, type Logger, type ResourceSnapshot, type SourcedObject, compareStrings } from '@tidegate/common';
import type { Provider } from '../provider';
import { RegistryWatcher, type PushChannel, type PushEvents } from './registry-watcher';
import { NacosPushChannel } from './grpc/push-channel';
import type { NacosRegistryTarget, RegistryStatus } from './types';

export interface NacosProviderOptions {
  /** The registries to watch, re-sent whenever McpBridges (or their Secrets) change. */
  targets: Observable<NacosRegistryTarget[]>;
  logger?: Logger;
  /** Requests in flight at once per registry (default 16). */
  concurrency?: number;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Quiet time before publishing a change, so a burst of pushes is one snapshot (default 20 ms). */
  publishDebounceMs?: number;
  /** Longest `start()` waits for the first targets and their first refresh (default 15 s). */
  startTimeoutMs?: number;
  /** Turns off 2.x gRPC push (nacos2 registries then poll like nacos ones). */
  disablePush?: boolean;
  /** Replaces the gRPC push channel (tests). */
  pushFactory?: (target: NacosRegistryTarget, events: PushEvents) => PushChannel;
}

/**
 * Level-triggered like every provider: each change republishes every discovered service of
 * every registry. Registries that cannot be reached keep their last known services (never an
 * empty set because the registry is down) and show as stale in `status`; they recover by
 * themselves. A registry removed from the McpBridges drops its services.
 */
export class NacosProvider implements Provider {
  readonly name = 'nacos';
  readonly resources = new Topic<ResourceSnapshot>('resources:nacos');
  /** One entry per watched registry, sorted by key. */
  readonly status = new Topic<RegistryStatus[]>('registries:nacos');
  private readonly log: Logger;
  private readonly watchers = new Map<string, RegistryWatcher>();
  private subscription?: Subscription;
  private starting?: Promise<void>;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly options: NacosProviderOptions) {
    this.log = options.logger ?? getLogger('nacos-provider');
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 15_000;
    let firstTargets!: () => void;
    const gotTargets = new Promise<void>((resolve) => (firstTargets = resolve));
    this.subscription = this.options.targets.subscribe({
      next: (targets) => {
        this.reconciling = this.reconciling.then(() => this.reconcile(targets)).catch((err: unknown) => this.log.error({ err }, 'registry reconcile failed'));
        void this.reconciling.then(firstTargets);
      },
      error: (err: unknown) => this.log.error({ err }, 'registry targets stream failed'),
    });
    const timedOut = await withTimeout(gotTargets, timeoutMs);
    if (timedOut) this.log.warn({ timeoutMs }, 'registries not fully read at start-up; publishing what is known');
    if (this.stopped) return;
    this.publishNow();
    // Status changes (stale, last sync) do not change objects: refresh the view on its own clock.
    this.statusTimer = setInterval(() => this.publishStatus(), 1000);
    this.statusTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearTimeout(this.timer);
    clearInterval(this.statusTimer);
    await this.reconciling.catch(() => undefined);
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
    this.watchers.clear();
  }

  /** Starts watchers for new registries, stops removed ones, restarts changed ones; waits for new ones' first refresh. */
  private async reconcile(targets: NacosRegistryTarget[]): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map(targets.map((t) => [t.key, t]));
    const started: RegistryWatcher[] = [];
    for (const [key, w] of this.watchers) {
      const t = wanted.get(key);
      if (t && deepEqual(t, w.target)) continue;
      this.watchers.delete(key);
      await w.stop();
      this.log.info({ registry: key }, t ? 'registry settings changed; reconnecting' : 'registry removed');
    }
    for (const [key, t] of wanted) {
      if (this.watchers.has(key)) continue;
      const w = new RegistryWatcher({
        target: t,
        logger: this.log,
        onChange: () => this.schedulePublish(),
        concurrency: this.options.concurrency,
        timeoutMs: this.options.timeoutMs,
        push: this.options.disablePush ? undefined : (this.options.pushFactory ?? ((target, events) => new NacosPushChannel(target, events, this.log))),
      });
      this.watchers.set(key, w);
      started.push(w);
      this.log.info({ registry: key, type: t.type, address: `${t.address.host}:${t.address.port}` }, 'watching registry');
    }
    await Promise.all(started.map((w) => w.start()));
    this.schedulePublish();
  }

  private schedulePublish(): void {
    if (this.stopped || !this.starting || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishNow();
    }, this.options.publishDebounceMs ?? 20);
  }

  private publishNow(): void {
    if (this.stopped) return;
    const watchers = [...this.watchers.values()].sort((a, b) => compareStrings(a.target.key, b.target.key));
    const objects: SourcedObject[] = [];
    for (const w of watchers) for (const object of w.objects()) objects.push({ object });
    // One kind; order by namespace then name, as the contract asks.
    objects.sort((a, b) => compareStrings(a.object.metadata.namespace ?? '', b.object.metadata.namespace ?? '') || compareStrings(a.object.metadata.name, b.object.metadata.name));
    this.resources.publish({ objects, errors: [] });
    this.publishStatus();
  }

  private publishStatus(): void {
    if (this.stopped) return;
    this.status.publish([...this.watchers.values()].map((w) => w.status()).sort((a, b) => compareStrings(a.key, b.key)));
  }
}


/** True when `p` did not settle within `ms`. */
async function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  try {
    return await Promise.race([p.then(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
