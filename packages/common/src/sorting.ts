// Locale-independent ordering and binary search in sorted arrays.

/**
 * Orders strings by UTF-16 code units, as `<` does: stable across machines and locales
 * (unlike `localeCompare`), which is what sorted output, goldens and hashes need.
 */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where `item` goes in `list` (sorted by `order`) to keep it sorted: after every element equal to it. */
export function upperBound<T>(list: readonly T[], item: T, order: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order(list[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A sorted list after a few changes, without sorting it again: a copy of `sorted` without the
 * items `isRemoved` picks, with each of `added` put in its place.
 */
export function patchSorted<T>(sorted: readonly T[], added: readonly T[], isRemoved: ((item: T) => boolean) | undefined, order: (a: T, b: T) => number): T[] {
  const out = isRemoved ? sorted.filter((item) => !isRemoved(item)) : [...sorted];
  for (const item of added) out.splice(upperBound(out, item, order), 0, item);
  return out;
}
