// The snapshot order, kept between merges: after a change to one file, the objects that came,
// went or changed are placed into the last sorted list instead of sorting every object again.
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
    let out: LoadedObject[];
    if (added.length + removed > PATCH_LIMIT) out = sortObjects(objects);
    else {
      out = removed > 0 ? this.sorted.filter((o) => next.has(o)) : [...this.sorted];
      for (const o of added) out.splice(upperBound(out, o), 0, o);
    }
    this.sorted = out;
    this.members = next;
    return out;
  }
}

/** First index whose object sorts after `o`. */
function upperBound(list: readonly LoadedObject[], o: LoadedObject): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareSourced(list[mid]!, o) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
