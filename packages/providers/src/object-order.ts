// The one deterministic order of objects in a snapshot: kind, then namespace, then name.
import type { KubeObject, SourcedObject } from '@tidegate/common';

// Plain code-unit comparison: localeCompare would depend on the machine's locale.
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders objects by kind, namespace (cluster-scoped first), name. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    cmp(a.metadata.name, b.metadata.name)
  );
}

/** A sorted copy of `objects` (stable for equal identities). */
export function sortObjects(objects: readonly SourcedObject[]): SourcedObject[] {
  return [...objects].sort((a, b) => compareObjects(a.object, b.object));
}
