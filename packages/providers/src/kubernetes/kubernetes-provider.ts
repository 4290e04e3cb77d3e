// The production source of configuration: objects watched in the Kubernetes API server, status written back.
import { Topic, getLogger, type KubeObject, type Logger, type ObjectStatus, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import { LastValidObjects } from '../last-valid';
import type { ObjectCheck } from '../object-check';
import type { Provider } from '../provider';
import type { KubeConfig } from './client-node';
import { KubeClient, loadKubeConfig } from './kube-client';
import { LeaderElector, type LeaderElectionOptions } from './leader-election';
import { Reflector } from './reflector';
import { findReferences } from './references';
import { StatusWriter } from './status-writer';
import { WATCHED_KINDS, type WatchedKind } from './watched-kinds';

export interface KubernetesProviderOptions {
  /** A kubeconfig file or a loaded KubeConfig; absent: in-cluster, then `KUBECONFIG` / `~/.kube/config`. */
  kubeconfig?: string | KubeConfig;
  /** Watch only this namespace (cluster-scoped kinds are still read; Namespaces only this one). */
  watchNamespace?: string;
  /** Identifies our entries in Gateway API status (default `tidegate.io/gateway-controller`). */
  controllerName?: string;
  /**
   * Status is written only by the holder of a Lease. Default: Lease
   * `tidegate-controller` in `$POD_NAMESPACE`, else the watched namespace, else
   * `default`. `false`: this replica always writes (a single replica).
   */
  leaderElection?: false | Partial<LeaderElectionOptions>;
  /**
   * The translators' check (`checkObjectSchema`): an object whose stored version fails it
   * keeps serving its last version that passed, with an error. Absent: published as stored.
   */
  check?: ObjectCheck;
  /** The kinds to watch (default: every kind the translators read). */
  kinds?: readonly WatchedKind[];
  /** Quiet time after a change before publishing (default 20 ms); `maxWaitMs` caps it under constant change (default 250 ms). */
  debounceMs?: number;
  maxWaitMs?: number;
  /** Tuning for tests: watch retry backoff, how often a missing CRD is looked for, server-side watch timeout. */
  reflector?: { backoff?: { initialMs: number; maxMs: number }; absentRecheckMs?: number; watchSeconds?: [number, number] };
  logger?: Logger;
}

/**
 * Publishes every watched object as one level-triggered snapshot. Nothing is
 * published until every kind has completed its first list, and afterwards each
 * kind's objects change only by watch events or by a complete relist swapped in
 * at once, so a list in flight or an API server restart never shows up as
 * missing objects. Secrets and ConfigMaps are published only while something
 * references them.
 */
export class KubernetesProvider implements Provider {
  readonly name = 'kubernetes';
  readonly resources = new Topic<ResourceSnapshot>('resources:kubernetes');
  readonly client: KubeClient;
  /** Present when leader election is on. */
  readonly elector?: LeaderElector;
  private readonly log: Logger;
  private readonly reflectors = new Map<string, Reflector>();
  private readonly writer: StatusWriter;
  private readonly wrapped = new WeakMap<KubeObject, SourcedObject>();
  private readonly lastValid?: LastValidObjects;
  private timer?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private starting?: Promise<void>;
  private stopped = false;
  private synced?: () => void;
  private wakeStart?: () => void;

  constructor(private readonly options: KubernetesProviderOptions = {}) {
    this.log = options.logger ?? getLogger('kubernetes-provider');
    if (options.check) this.lastValid = new LastValidObjects(options.check);
    const config = typeof options.kubeconfig === 'object' ? options.kubeconfig : loadKubeConfig(options.kubeconfig);
    this.client = new KubeClient(config);
    const ns = options.watchNamespace;
    for (const kind of options.kinds ?? WATCHED_KINDS) {
      const reflector = new Reflector({
        client: this.client,
        kind,
        namespace: ns,
        // A single watched namespace: of the Namespaces, only that one.
        fieldSelector: ns && kind.kind === 'Namespace' && kind.group === '' ? `metadata.name=${ns}` : undefined,
        onObjects: () => this.schedulePublish(),
        onStatus: () => this.writer.poke(),
        log: this.log,
        ...options.reflector,
      });
      this.reflectors.set(kind.kind, reflector);
    }
    if (options.leaderElection !== false) {
      const le = options.leaderElection ?? {};
      const namespace = le.namespace ?? process.env.POD_NAMESPACE ?? ns ?? 'default';
      this.elector = new LeaderElector(this.client, { ...le, namespace }, this.log);
    }
    this.writer = new StatusWriter({
      client: this.client,
      reflectors: this.reflectors,
      controllerName: options.controllerName ?? 'tidegate.io/gateway-controller',
      isLeader: () => (this.elector ? this.elector.leading.value === true : true),
      log: this.log,
    });
    this.elector?.leading.subscribe((leading) => leading && this.writer.poke());
  }

  /** Status writes sent so far. */
  get statusWrites(): number {
    return this.writer.writes;
  }

  /** Whether this replica writes status now. */
  isLeader(): boolean {
    return this.elector ? this.elector.leading.value === true : true;
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    await this.waitForApiServer();
    if (this.stopped) return;
    const synced = new Promise<void>((resolve) => (this.synced = resolve));
    for (const r of this.reflectors.values()) r.start();
    this.schedulePublish();
    await synced;
    this.elector?.start();
    this.log.info({ objects: this.resources.value?.objects.length, namespace: this.options.watchNamespace ?? '(all)' }, 'kubernetes provider synced');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.synced?.();
    this.wakeStart?.();
    await this.writer.stop();
    await this.elector?.stop();
    await Promise.all([...this.reflectors.values()].map((r) => r.stop()));
    this.client.close();
  }

  /** Remembers what translators say; the leader writes what differs from the server's copy. */
  async writeStatus(statuses: ObjectStatus[]): Promise<void> {
    this.writer.setDesired(statuses);
  }

  /** Resolves when no status write is running or due (tests). */
  statusIdle(): Promise<void> {
    return this.writer.idle();
  }

  /**
   * Waits until the API server reports ready, so a controller starting next to an
   * API server that is still loading CRDs does not take "not found" for "none".
   */
  private async waitForApiServer(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const status = await this.client.probe('/readyz');
      // 401/403/404: readiness is not ours to read; go ahead.
      if (status !== 0 && status < 500) return;
      if (attempt === 5) this.log.warn({ server: this.client.server, status }, 'waiting for the Kubernetes API server');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
        this.wakeStart = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private schedulePublish(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.firstChangeAt ??= now;
    const debounce = this.options.debounceMs ?? 20;
    const maxWait = this.options.maxWaitMs ?? 250;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstChangeAt = undefined;
      this.publish();
    }, Math.min(debounce, Math.max(0, this.firstChangeAt + maxWait - now)));
  }

  private publish(): void {
    if (this.stopped) return;
    const reflectors = [...this.reflectors.values()];
    if (!reflectors.every((r) => r.synced)) return; // never a partial state
    const kinds = reflectors.sort((a, b) => (a.kind.kind < b.kind.kind ? -1 : a.kind.kind > b.kind.kind ? 1 : 0));
    const referenced = kinds.flatMap((r) => (r.kind.referencedOnly ? [{ kind: r.kind.kind, pattern: r.kind.referencedOnly }] : []));
    const wanted = referenced.length ? findReferences(kinds.filter((r) => !r.kind.referencedOnly).flatMap((r) => r.objects()), referenced) : new Map<string, Set<string>>();
    const objects: SourcedObject[] = [];
    for (const r of kinds) {
      const only = r.kind.referencedOnly ? (wanted.get(r.kind.kind) ?? new Set<string>()) : undefined;
      for (const object of r.objects()) {
        if (only && !only.has(`${object.metadata.namespace ?? ''}/${object.metadata.name}`)) continue;
        let sourced = this.wrapped.get(object);
        if (!sourced) this.wrapped.set(object, (sourced = { object }));
        objects.push(sourced);
      }
    }
    const snapshot: ResourceSnapshot = { objects, errors: [] };
    this.resources.publish(this.lastValid ? this.lastValid.applyTo(snapshot) : snapshot);
    this.synced?.();
    this.synced = undefined;
  }
}
