// Keeps one kind's objects in memory from a list followed by a watch, and survives the API server coming and going.
import deepEqual from 'fast-deep-equal';
import type { KubeObject, Logger } from '@tidegate/common';
import { compareStrings } from '@tidegate/common';
import { errorStatus, type KubeClient, type WatchEvent } from './kube-client';
import { normalizeObject, objectName } from './normalize';
import { apiVersionOf, resourcePath, type WatchedKind } from './watched-kinds';

/** One object as the reflector holds it. */
export interface StoredObject {
  /** What the provider publishes (normalized; the same instance while its content is unchanged). */
  object: KubeObject;
  /** The object's `status` as the API server has it, for the status writer. */
  status: Record<string, unknown> | undefined;
  resourceVersion: string;
}

export interface ReflectorOptions {
  client: KubeClient;
  kind: WatchedKind;
  /** Only this namespace (namespaced kinds). */
  namespace?: string;
  /** Extra field selector (ANDed with the kind's own). */
  fieldSelector?: string;
  /** The published content changed (or the first sync completed). */
  onObjects: () => void;
  /** Only some object's `status` changed. */
  onStatus?: () => void;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** How often a kind whose CRD is not installed is looked for again. */
  absentRecheckMs?: number;
  /** Server-side watch timeout range in seconds (a fresh watch is opened after it). */
  watchSeconds?: [number, number];
}

/**
 * A list+watch loop for one kind (an informer that the provider owns, because
 * client-node's informer stops on the first error and has no "synced" signal).
 *
 * - The store is replaced only when a list has completed, atomically: readers
 *   never see a list in flight. 410 Gone (watch expired) relists; other errors
 *   retry the watch from the last resourceVersion with backoff, keeping the store.
 * - "Not found" before the first sync means the CRD is not installed: the kind
 *   counts as synced with no objects and is looked for again later. After that,
 *   "not found" never empties the store (an API server that is starting serves
 *   404 for custom resources until their CRDs are loaded); deleting a CRD deletes
 *   its objects first, which arrives as watch events.
 */
export class Reflector {
  readonly kind: WatchedKind;
  private store = new Map<string, StoredObject>();
  private sorted?: KubeObject[];
  private version?: string;
  private resourceVersion = '';
  private failures = 0;
  private stopped = false;
  private loop?: Promise<void>;
  private abortWatch?: () => void;
  private wake?: () => void;
  private syncedOnce = false;
  private absent = false;

  constructor(private readonly options: ReflectorOptions) {
    this.kind = options.kind;
  }

  /** Whether a complete list has been stored at least once. */
  get synced(): boolean {
    return this.syncedOnce;
  }

  /** Whether the kind's CRD was missing at the last look. */
  get missing(): boolean {
    return this.absent;
  }

  /** The version in use, once a list succeeded. */
  get servedVersion(): string | undefined {
    return this.version;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abortWatch?.();
    this.wake?.();
    await this.loop;
  }

  /** Current objects sorted by namespace, then name (the same array until something changes). */
  objects(): KubeObject[] {
    this.sorted ??= [...this.store.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, s]) => s.object);
    return this.sorted;
  }

  /** One object by namespace (`''` for cluster-scoped) and name. */
  get(namespace: string, name: string): StoredObject | undefined {
    return this.store.get(`${this.kind.namespaced ? namespace : ''}/${name}`);
  }

  /** Every stored object. */
  entries(): IterableIterator<StoredObject> {
    return this.store.values();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) {
          const listed = await this.relist();
          if (!listed) {
            await this.sleep(this.syncedOnce && !this.absent ? this.backoffMs() : (this.options.absentRecheckMs ?? 30_000));
            continue;
          }
        }
        await this.watchOnce();
      } catch (err) {
        if (this.stopped) break;
        const status = errorStatus(err);
        if (status === 410) {
          this.resourceVersion = '';
          continue;
        }
        this.failures++;
        const wait = this.backoffMs();
        const level = this.failures > 3 ? 'warn' : 'debug';
        this.options.log[level]({ kind: this.kind.kind, status, err: (err as Error)?.message, retryMs: wait }, 'watch failed; keeping the last state and retrying');
        await this.sleep(wait);
      }
    }
  }

  /** Lists every object and swaps the store; false when the kind is not served (yet). */
  private async relist(): Promise<boolean> {
    for (const version of this.kind.versions) {
      try {
        const { items, resourceVersion } = await this.options.client.list(resourcePath(this.kind, version, { namespace: this.options.namespace }), {
          fieldSelector: this.selector(),
        });
        if (this.stopped) return false;
        this.version = version;
        this.replace(items, version);
        this.resourceVersion = resourceVersion;
        this.failures = 0;
        this.absent = false;
        return true;
      } catch (err) {
        if (errorStatus(err) !== 404 || !this.kind.optional) throw err;
      }
    }
    // No version is served: the CRD is not installed (or, after a restart, not loaded yet).
    if (!this.syncedOnce) {
      this.absent = true;
      this.syncedOnce = true;
      this.options.log.info({ kind: this.kind.kind, group: this.kind.group }, 'kind not served by the API server (CRD not installed); treating as empty');
      this.options.onObjects();
    } else if (!this.absent) {
      this.failures++;
      this.options.log.warn({ kind: this.kind.kind }, 'kind not found; keeping the last state until it is served again');
    }
    return false;
  }

  private replace(items: Array<Record<string, unknown>>, version: string): void {
    const apiVersion = apiVersionOf(this.kind, version);
    const next = new Map<string, StoredObject>();
    let changed = !this.syncedOnce || items.length !== this.store.size;
    let statusChanged = false;
    for (const raw of items) {
      const key = this.keyOf(raw);
      const prev = this.store.get(key);
      const stored = this.toStored(raw, apiVersion, prev);
      if (stored.object !== prev?.object) changed = true;
      else if (!deepEqual(stored.status, prev?.status)) statusChanged = true;
      next.set(key, stored);
    }
    this.store = next;
    this.syncedOnce = true;
    if (changed) {
      this.sorted = undefined;
      this.options.onObjects();
    } else if (statusChanged) this.options.onStatus?.();
  }

  private watchOnce(): Promise<void> {
    const version = this.version as string;
    const apiVersion = apiVersionOf(this.kind, version);
    const [lo, hi] = this.options.watchSeconds ?? [300, 600];
    return new Promise<void>((resolve, reject) => {
      let expired = false;
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        this.abortWatch = undefined;
        controller?.abort();
        if (expired || errorStatus(err) === 410) {
          this.resourceVersion = '';
          resolve();
        } else if (err) reject(err);
        else resolve();
      };
      const onEvent = (event: WatchEvent): void => {
        if (settled || this.stopped) return;
        if (event.type === 'ERROR') {
          // The API server sends a Status and then closes the stream; 410 means relist.
          if (errorStatus(event.object) === 410) expired = true;
          else this.options.log.debug({ kind: this.kind.kind, status: event.object }, 'watch error event');
          finish(expired ? null : Object.assign(new Error(String(event.object.message ?? 'watch error')), { statusCode: errorStatus(event.object) }));
          return;
        }
        this.failures = 0;
        const rv = (event.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
        if (event.type !== 'BOOKMARK') this.apply(event, apiVersion);
        if (rv) this.resourceVersion = rv;
      };
      this.abortWatch = () => finish(new Error('stopped'));
      this.options.client
        .watch(
          resourcePath(this.kind, version, { namespace: this.options.namespace }),
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: lo + Math.floor(Math.random() * (hi - lo + 1)),
            fieldSelector: this.selector(),
          },
          onEvent,
          (err) => finish(err),
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          (err: unknown) => finish(err),
        );
    });
  }

  private apply(event: WatchEvent, apiVersion: string): void {
    const key = this.keyOf(event.object);
    const prev = this.store.get(key);
    if (event.type === 'DELETED') {
      if (!prev) return;
      this.store.delete(key);
      this.sorted = undefined;
      this.options.onObjects();
      return;
    }
    const stored = this.toStored(event.object, apiVersion, prev);
    this.store.set(key, stored);
    if (stored.object !== prev?.object) {
      this.sorted = undefined;
      this.options.onObjects();
    } else if (!deepEqual(stored.status, prev?.status)) this.options.onStatus?.();
  }

  /** Reuses the previous published instance when nothing but status or bookkeeping changed. */
  private toStored(raw: Record<string, unknown>, apiVersion: string, prev: StoredObject | undefined): StoredObject {
    const normalized = normalizeObject(raw, apiVersion, this.kind.kind);
    const object = prev && deepEqual(prev.object, normalized) ? prev.object : normalized;
    const meta = (raw.metadata ?? {}) as { resourceVersion?: string };
    const status = raw.status as Record<string, unknown> | undefined;
    return { object, status, resourceVersion: meta.resourceVersion ?? '' };
  }

  private keyOf(raw: { metadata?: unknown }): string {
    return this.kind.namespaced ? objectName(raw) : `/${(raw.metadata as { name?: string } | undefined)?.name ?? ''}`;
  }

  private selector(): string | undefined {
    const parts = [this.kind.fieldSelector, this.options.fieldSelector].filter((s): s is string => !!s);
    return parts.length ? parts.join(',') : undefined;
  }

  private backoffMs(): number {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 10_000 };
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures, 16));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
