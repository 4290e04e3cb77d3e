// Structural sharing between two translations: what did not change comes back as the very
// same objects, so later stages can cache by identity (Envoy objects, encoded bytes).
import deepEqual from 'fast-deep-equal';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Returns `next` with every part equal to the corresponding part of `previous` replaced by
 * that part of `previous`; when everything is equal, `previous` itself. Array elements with
 * unique `name`s are paired by name (a host added in the middle leaves the others shared),
 * other arrays by position. IR is plain data and never mutated once translated.
 */
export function shareUnchanged<T>(previous: T | undefined, next: T): T {
  return previous === undefined ? next : (share(previous, next) as T);
}

function share(prev: unknown, next: unknown): unknown {
  if (prev === next) return prev;
  if (Array.isArray(prev) && Array.isArray(next)) return shareArray(prev, next);
  if (isPlainObject(prev) && isPlainObject(next)) return shareObject(prev, next);
  if (typeof next === 'object' && next !== null) return deepEqual(prev, next) ? prev : next;
  return next;
}

function shareObject(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let same = Object.keys(prev).length === Object.keys(next).length;
  for (const key of Object.keys(next)) {
    const value = key in prev ? share(prev[key], next[key]) : next[key];
    if (value !== prev[key] || !(key in prev)) same = false;
    out[key] = value;
  }
  return same ? prev : out;
}

function shareArray(prev: unknown[], next: unknown[]): unknown[] {
  const byName = namesOf(prev);
  const out = next.map((item, i) => {
    const name = byName && isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined;
    const counterpart = name !== undefined ? byName?.get(name) : byName ? undefined : prev[i];
    if (counterpart === undefined) return item;
    // Most elements are unchanged: one allocation-free comparison settles them.
    return deepEqual(counterpart, item) ? counterpart : share(counterpart, item);
  });
  return out.length === prev.length && out.every((item, i) => item === prev[i]) ? prev : out;
}

/** Elements by name when every element is an object with a distinct string `name`. */
function namesOf(list: unknown[]): Map<string, unknown> | undefined {
  const names = new Map<string, unknown>();
  for (const item of list) {
    if (!isPlainObject(item) || typeof item.name !== 'string' || names.has(item.name)) return undefined;
    names.set(item.name, item);
  }
  return names.size > 0 ? names : undefined;
}
