// The one deterministic order of objects in a snapshot: kind, then namespace, then name.
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { compareStrings } from '@tidegate/common';

/** Orders objects by kind, namespace (cluster-scoped first), name. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareStrings(a.metadata.name, b.metadata.name)
  );
}

/**
 * One string that orders like `compareObjects` (NUL sorts before every character a kind,
 * namespace or name can hold), kept per object: snapshots are re-sorted on every change.
 */
const orderKeys = new WeakMap<KubeObject, string>();

export function orderKey(o: KubeObject): string {
  let key = orderKeys.get(o);
  if (key === undefined) orderKeys.set(o, (key = `${o.kind}\0${o.metadata.namespace ?? ''}\0${o.metadata.name}`));
  return key;
}

/** Compares sourced objects like `compareObjects`, by their cached keys. */
export const compareSourced = (a: SourcedObject, b: SourcedObject): number => compareStrings(orderKey(a.object), orderKey(b.object));

/** A sorted copy of `objects` (stable for equal identities). */
export function sortObjects<T extends SourcedObject>(objects: readonly T[]): T[] {
  return [...objects].sort(compareSourced);
}
