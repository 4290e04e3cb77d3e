// The snapshot order, kept between merges: after a change to one file, the objects that came,
// went or changed are placed into the last sorted list instead of sorting every object again.
import { patchSorted } from '@tidegate/common';
import { compareSourced, sortObjects } from '../object-order';
import type { LoadedObject } from './parse-file';

/** Past this many added plus removed objects a full sort is cheaper than placing each one. */
const PATCH_LIMIT = 256;

export class MergeOrder {
  private sorted: LoadedObject[] = [];
  private members = new Set<LoadedObject>();

  /**
   * `objects` sorted by kind, namespace, name — exactly what `sortObjects` gives, because
   * merged objects are unique by that key (so the order is total and ties cannot differ).
   */
  order(objects: readonly LoadedObject[]): LoadedObject[] {
    const next = new Set(objects);
    const added = objects.filter((o) => !this.members.has(o));
    const removed = this.sorted.length - (objects.length - added.length);
    this.sorted = added.length + removed > PATCH_LIMIT ? sortObjects(objects) : patchSorted(this.sorted, added, removed > 0 ? (o) => !next.has(o) : undefined, compareSourced);
    this.members = next;
    return this.sorted;
  }
}
