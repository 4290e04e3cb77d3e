// Gives objects without a creationTimestamp the time the provider first saw them, so "oldest wins" stays stable.
import { objectKey, type KubeObject } from '@tidegate/common';

/**
 * The standalone stand-in for the API server's `creationTimestamp`. Translators order
 * owners (an Ingress host, a conflicting route, a BackendPolicy) oldest first, then by
 * namespace/name; without a timestamp, a newly added object with a smaller name would
 * take a host from one that served it for days. Times are kept in memory for as long as
 * the object stays in the snapshot (across edits and reloads); objects present at start
 * share the start time, and a deleted object that comes back is new again.
 */
export class FirstSeen {
  private readonly times = new Map<string, string>();

  /**
   * Sets `metadata.creationTimestamp` on fresh objects (just parsed, not yet shared) that
   * have none: their first-seen time, else `now`. Objects that name one keep it.
   */
  stamp(objects: readonly KubeObject[], now: Date): void {
    const at = now.toISOString();
    for (const object of objects) {
      if (object.metadata.creationTimestamp !== undefined) continue;
      const key = objectKey(object);
      let time = this.times.get(key);
      if (time === undefined) this.times.set(key, (time = at));
      object.metadata.creationTimestamp = time;
    }
  }

  /** Forgets the objects no longer in the snapshot. */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.times.keys()) if (!keys.has(key)) this.times.delete(key);
  }
}
