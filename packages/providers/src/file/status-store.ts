// In-memory status of the objects a provider owns, for the CLI and the debug endpoint.
import type { ObjectStatus } from '@tidegate/common';
import { compareStrings } from '@tidegate/common';

export const statusKey = (s: { kind: string; namespace?: string; name: string }): string =>
  `${s.kind}/${s.namespace ?? ''}/${s.name}`;

const compareStatuses = (a: ObjectStatus, b: ObjectStatus): number =>
  compareStrings(a.kind, b.kind) || compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.name, b.name);

/** Keys per status object: translators hand unchanged statuses over as the same objects. */
const keys = new WeakMap<ObjectStatus, string>();

function keyOf(s: ObjectStatus): string {
  let key = keys.get(s);
  if (key === undefined) keys.set(s, (key = statusKey(s)));
  return key;
}

/** Statuses keyed by object; only objects the owner currently has are kept. */
export class StatusStore {
  private byKey = new Map<string, ObjectStatus>();

  /**
   * Replaces every status with `statuses`, keeping those whose key `owns` accepts. The
   * translators hand over fresh status objects they never touch again, so they are kept
   * as they are (copying 10,000 of them on every change showed in the convergence time);
   * `list()` hands out copies.
   */
  replace(statuses: readonly ObjectStatus[], owns: (key: string) => boolean): void {
    const next = new Map<string, ObjectStatus>();
    for (const s of statuses) {
      const key = keyOf(s);
      if (owns(key)) next.set(key, s);
    }
    this.byKey = next;
  }

  /** Drops statuses of objects that no longer exist. */
  prune(owns: (key: string) => boolean): void {
    for (const key of [...this.byKey.keys()]) if (!owns(key)) this.byKey.delete(key);
  }

  /** Sorted by kind, namespace, name. */
  list(): ObjectStatus[] {
    return [...this.byKey.values()].sort(compareStatuses).map((s) => structuredClone(s));
  }
}
