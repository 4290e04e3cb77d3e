// Holds the current resource set of every proxy group and tells that group's streams when it changes.
import { performance } from 'node:perf_hooks';
import { getLogger } from '@tidegate/common';
import type { EncodedResource, ResourceSet } from '@tidegate/envoy-api';
import { XdsServerError } from './errors';
import { setVersion } from './versions';

const log = getLogger('xds-snapshot-cache');

const NO_RESOURCES: ReadonlyMap<string, EncodedResource> = new Map();

/** One group's resources as last `set`, with the per-type versions streams compare against. */
export interface Snapshot {
  readonly group: string;
  readonly resources: ResourceSet;
  /** `performance.now()` when it was set: the start of the push-duration measurement. */
  readonly setAt: number;
  /** The resources of one type by name (empty if the type is absent). */
  of(typeUrl: string): ReadonlyMap<string, EncodedResource>;
  /** Hash over the (name, version) pairs of one type: equal when the type did not change. */
  typeVersion(typeUrl: string): string;
}

/** Called with the group's new snapshot, synchronously from `set`. */
export type SnapshotWatcher = (snapshot: Snapshot) => void;

class GroupSnapshot implements Snapshot {
  private readonly versions = new Map<string, string>();
  readonly setAt = performance.now();

  constructor(
    readonly group: string,
    readonly resources: ResourceSet,
  ) {}

  of(typeUrl: string): ReadonlyMap<string, EncodedResource> {
    return this.resources.get(typeUrl) ?? NO_RESOURCES;
  }

  typeVersion(typeUrl: string): string {
    let v = this.versions.get(typeUrl);
    if (v === undefined) {
      v = setVersion(this.of(typeUrl).values());
      this.versions.set(typeUrl, v);
    }
    return v;
  }
}

/**
 * The snapshot cache: what every proxy group should have. `set` replaces a group's whole
 * state; the xDS streams of that group diff against what they sent and push the changes.
 * Resources are shared, never copied: a ResourceSet must not be mutated after `set`.
 */
export class SnapshotCache {
  private readonly snapshots = new Map<string, GroupSnapshot>();
  private readonly watchers = new Map<string, Set<SnapshotWatcher>>();

  /** Replaces `group`'s snapshot and notifies the group's streams at once. */
  set(group: string, resources: ResourceSet): void {
    for (const [typeUrl, byName] of resources) {
      for (const [name, r] of byName) {
        if (r.typeUrl !== typeUrl || r.name !== name) {
          throw new XdsServerError('invalid-snapshot', `resource ${r.typeUrl}/${r.name} is filed under ${typeUrl}/${name}`);
        }
      }
    }
    const snapshot = new GroupSnapshot(group, resources);
    this.snapshots.set(group, snapshot);
    for (const watcher of this.watchers.get(group) ?? []) {
      // One failing stream must not keep the others from their update.
      try {
        watcher(snapshot);
      } catch (err) {
        log.error({ err, group }, 'snapshot watcher failed');
      }
    }
  }

  /** The group's current resources, or undefined if it has none. */
  get(group: string): ResourceSet | undefined {
    return this.snapshots.get(group)?.resources;
  }

  /** The group's current snapshot with its versions, or undefined. */
  snapshot(group: string): Snapshot | undefined {
    return this.snapshots.get(group);
  }

  /**
   * Forgets a group. Its connected proxies keep what they were last sent (nothing is
   * pushed) and get the group's resources again if it is set later.
   */
  delete(group: string): boolean {
    return this.snapshots.delete(group);
  }

  /** Groups that have a snapshot, sorted. */
  groups(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  /** Calls `watcher` on every later `set` of `group`; returns the function that stops it. */
  watch(group: string, watcher: SnapshotWatcher): () => void {
    let set = this.watchers.get(group);
    if (!set) this.watchers.set(group, (set = new Set()));
    set.add(watcher);
    return () => {
      const current = this.watchers.get(group);
      if (!current) return;
      current.delete(watcher);
      if (current.size === 0) this.watchers.delete(group);
    };
  }

  /** Number of registered watchers across all groups (leak checks and debugging). */
  watcherCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }
}
