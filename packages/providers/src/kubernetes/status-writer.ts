// Writes translators' status to the API server (status subresource), only where it changed, only while leading.
import type { Logger, ObjectStatus } from '@tidegate/common';
import { errorStatus, type KubeClient } from './kube-client';
import type { Reflector } from './reflector';
import { kubeTime, planStatus } from './status-merge';
import { resourcePath } from './watched-kinds';

export interface StatusWriterOptions {
  client: KubeClient;
  /** Reflectors by kind: where current status and the served version come from. */
  reflectors: ReadonlyMap<string, Reflector>;
  /** Our entries in shared lists (`status.parents[].controllerName`). */
  controllerName: string;
  /** Writes happen only while this says so. */
  isLeader: () => boolean;
  log: Logger;
  /** Parallel writes (default 8). */
  concurrency?: number;
  /** Coalescing of bursts of pokes (default 50 ms). */
  debounceMs?: number;
}

const statusKey = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${namespace ?? ''}/${name}`;

/**
 * Level-triggered like the provider: every pass compares the whole desired
 * status with what the informers hold, and writes the difference with a merge
 * patch carrying the object's resourceVersion (a conflict is retried on the next
 * pass, with fresh state). Conditions get `lastTransitionTime` here, kept when a
 * condition's status did not change. Shared lists keep other controllers' entries.
 */
export class StatusWriter {
  /** Status writes sent (successful or not), for tests and metrics. */
  writes = 0;
  private desired?: Map<string, ObjectStatus>;
  /** What we last sent per object and the resourceVersion the server answered with. */
  private readonly sent = new Map<string, { patch: string; resourceVersion: string }>();
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly options: StatusWriterOptions) {}

  /** The statuses translators want now (all of them; replaces the previous set). */
  setDesired(statuses: readonly ObjectStatus[]): void {
    this.desired = new Map(statuses.map((s) => [statusKey(s.kind, s.namespace, s.name), s]));
    this.poke();
  }

  /** Something may differ (status changed on the server, leadership gained): compare again soon. */
  poke(): void {
    if (this.stopped || !this.desired || !this.options.isLeader()) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runPass(), this.options.debounceMs ?? 50);
  }

  /** Resolves when no pass is running or scheduled. */
  async idle(): Promise<void> {
    for (let i = 0; i < 100 && (this.pass || this.timer); i++) {
      if (this.pass) await this.pass;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  private runPass(): void {
    this.timer = undefined;
    this.pass = this.writeAll()
      .catch((err: unknown) => this.options.log.error({ err }, 'status pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async writeAll(): Promise<void> {
    const desired = this.desired;
    if (!desired || !this.options.isLeader()) return;
    const now = kubeTime();
    const jobs: Array<() => Promise<void>> = [];
    for (const [kindName, reflector] of this.options.reflectors) {
      const version = reflector.servedVersion;
      if (!version) continue;
      for (const stored of reflector.entries()) {
        const meta = stored.object.metadata;
        const key = statusKey(kindName, meta.namespace, meta.name);
        const want = onlyFields(desired.get(key)?.status, reflector.kind.statusFields);
        const patch = planStatus(stored.status, want, this.options.controllerName, now);
        if (!patch) {
          this.sent.delete(key);
          continue;
        }
        // The server already answered this very patch and nothing changed since: it stores the
        // status differently from how we say it (pruned or defaulted), and saying it again would loop.
        const text = JSON.stringify(patch, (k, v: unknown) => (k === 'lastTransitionTime' ? undefined : v));
        const last = this.sent.get(key);
        if (last && last.patch === text && last.resourceVersion === stored.resourceVersion) continue;
        const path = resourcePath(reflector.kind, version, { namespace: meta.namespace, name: meta.name, subresource: 'status' });
        const what = `${kindName} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;
        jobs.push(async () => {
          const rv = await this.write(path, stored.resourceVersion, patch, what);
          if (rv) this.sent.set(key, { patch: text, resourceVersion: rv });
        });
      }
    }
    const limit = this.options.concurrency ?? 8;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length && !this.stopped && this.options.isLeader()) await jobs[next++]!();
    };
    await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  }

  /** Sends one patch; resolves with the object's new resourceVersion, or undefined when it failed. */
  private async write(path: string, resourceVersion: string, status: Record<string, unknown>, what: string): Promise<string | undefined> {
    this.writes++;
    try {
      const result = await this.options.client.request<{ metadata?: { resourceVersion?: string } }>('PATCH', path, {
        body: { metadata: { resourceVersion }, status },
        contentType: 'application/merge-patch+json',
      });
      this.options.log.debug({ object: what }, 'status written');
      return result.metadata?.resourceVersion;
    } catch (err) {
      const code = errorStatus(err);
      if (code === 409 || code === 404) {
        // Our copy was stale (or the object is gone): the informer's next event brings a fresh pass.
        this.options.log.debug({ object: what, status: code }, 'status write raced a change; will compare again');
        this.again = true;
        return undefined;
      }
      this.options.log.warn({ object: what, err: (err as Error).message }, 'status write failed');
      return undefined;
    }
  }
}

/** The status without fields the kind's API does not store. */
function onlyFields(status: Record<string, unknown> | undefined, fields: readonly string[] | undefined): Record<string, unknown> | undefined {
  if (!status || !fields) return status;
  return Object.fromEntries(Object.entries(status).filter(([k]) => fields.includes(k)));
}
