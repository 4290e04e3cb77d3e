// Leader election on a coordination.k8s.io/v1 Lease: one replica at a time writes status.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Topic, type Logger } from '@tidegate/common';
import { errorStatus, type KubeClient } from './kube-client';

export interface LeaderElectionOptions {
  /** Namespace of the Lease (the controller's own namespace). */
  namespace: string;
  /** Lease name (default `tidegate-controller`). */
  name?: string;
  /** This replica's identity (default: host name plus a random suffix). */
  identity?: string;
  /** How long a holder's claim lasts without renewal (default 15 s). */
  leaseDurationSeconds?: number;
  /** A leader that could not renew for this long stops leading (default 10 s). */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

interface Lease {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** `metav1.MicroTime`: RFC 3339 with microseconds. */
const microTime = (d = new Date()): string => d.toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

/**
 * Acquires and renews a Lease like client-go's leader election: a holder's claim
 * is judged by when this replica last saw it change (not by comparing clocks),
 * updates use the Lease's resourceVersion (one writer wins), and stop() releases
 * the Lease so another replica takes over at once.
 */
export class LeaderElector {
  /** Whether this replica leads now. */
  readonly leading = new Topic<boolean>('leader', false);
  readonly identity: string;
  private readonly name: string;
  private readonly namespace: string;
  private readonly durationS: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private observed?: { record: string; at: number };
  private lastRenew = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    options: LeaderElectionOptions,
    private readonly log: Logger,
  ) {
    this.namespace = options.namespace;
    this.name = options.name ?? 'tidegate-controller';
    this.identity = options.identity ?? `${hostname()}-${randomBytes(4).toString('hex')}`;
    this.durationS = options.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryMs = options.retryPeriodMs ?? 2_000;
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.tick();
  }

  /** Stops campaigning; a leader releases the Lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leading.value) {
      this.leading.publish(false);
      await this.release().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not release the lease'));
    }
  }

  private async tick(): Promise<void> {
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'lease update failed');
    }
    if (ok) {
      this.lastRenew = Date.now();
      if (!this.leading.value) this.log.info({ lease: `${this.namespace}/${this.name}`, identity: this.identity }, 'became leader');
      this.leading.publish(true);
    } else if (this.leading.value && Date.now() - this.lastRenew > this.renewDeadlineMs) {
      this.log.warn({ lease: `${this.namespace}/${this.name}` }, 'could not renew the lease in time; no longer leader');
      this.leading.publish(false);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, this.retryMs);
  }

  private path(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = microTime();
    let lease: Lease;
    try {
      lease = await this.client.request<Lease>('GET', this.path(this.name));
    } catch (err) {
      if (errorStatus(err) !== 404) throw err;
      const spec: LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: this.durationS, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      await this.client.request('POST', this.path(), {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec },
      });
      return true;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const record = JSON.stringify([holder, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    if (holder && holder !== this.identity) {
      const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? this.durationS) * 1000;
      if (Date.now() < expiresAt) return false;
    }
    const mine = holder === this.identity;
    const next: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.durationS,
      acquireTime: mine ? (spec.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    try {
      await this.client.request('PUT', this.path(this.name), { body: { ...lease, spec: next } });
    } catch (err) {
      if (errorStatus(err) === 409) return false; // another replica updated it first
      throw err;
    }
    return true;
  }

  private async release(): Promise<void> {
    const lease = await this.client.request<Lease>('GET', this.path(this.name));
    if (lease.spec?.holderIdentity !== this.identity) return;
    const spec: LeaseSpec = { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime() };
    await this.client.request('PUT', this.path(this.name), { body: { ...lease, spec } });
    this.log.info({ lease: `${this.namespace}/${this.name}` }, 'released the lease');
  }
}
