// Objects held at their last accepted version: a change the checks or Envoy rejected is not served, the rest flows.
import { objectKey, type Condition, type KubeObject, type ObjectStatus, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import type { TranslationError } from '@tidegate/translator';

/** Why an object's current version is held back. */
export interface HoldReason {
  /** `config-check-failed` (Tidegate's IR checks) or `envoy-rejected` (a NACK). */
  code: string;
  /** Field path inside the object ('' for the whole object). */
  path: string;
  message: string;
}

/** One held object: the version that was rejected, and what is served instead. */
export interface Hold extends HoldReason {
  key: string;
  /** The rejected version (with its file): the hold ends once the object differs from it or goes. */
  rejected: SourcedObject;
  /** Served instead: the last accepted version; undefined leaves the object out. */
  fallback?: SourcedObject;
  /** The statuses the rejected version was translated to, marked rejected (what users see). */
  statuses: ObjectStatus[];
  /**
   * Set when the version was held for mistakes in its own fields (`holdInvalid`): its errors,
   * shown in place of the served version's (`statuses` are then the translator's, noted).
   */
  errors?: TranslationError[];
}

/** Which version a hold falls back to: the last that passed the checks, or the last Envoy accepted. */
export type Fallback = 'valid' | 'acked';

/** Condition types that get a note saying which version serves. */
const NOTED_CONDITIONS = new Set(['Accepted', 'Programmed']);

/**
 * The pipeline's one "held objects" mechanism. Translation never sees a held object's
 * rejected version: `substitute` puts the object's last accepted version in its place (or
 * leaves it out when none was ever accepted), so the group and its Envoys keep serving
 * everything else, and any Envoy that (re)connects gets configuration that was accepted.
 * A hold ends when the object changes (the new version is tried) or is deleted.
 */
export class HeldObjects {
  private readonly holds = new Map<string, Hold>();
  /** Objects of the last translation that passed the checks (left-out ones removed). */
  private valid: VersionIndex = new VersionIndex([]);
  /** Of those, the objects whose version had no mistake in its own fields (see `holdInvalid`). */
  private clean: VersionIndex = new VersionIndex([]);
  /** Objects of the last translation every connected Envoy accepted. */
  private acked: VersionIndex = new VersionIndex([]);

  /** The snapshot to translate: held objects replaced by their fallback; holds on changed or deleted objects end. */
  substitute(snapshot: ResourceSnapshot): ResourceSnapshot {
    if (this.holds.size === 0) return snapshot;
    const present = new Set<string>();
    const objects: SourcedObject[] = [];
    for (const entry of snapshot.objects) {
      const key = objectKey(entry.object);
      const hold = this.holds.get(key);
      if (hold && !sameVersion(hold.rejected.object, entry.object)) this.holds.delete(key);
      else if (hold) {
        present.add(key);
        if (hold.fallback) objects.push(hold.fallback);
        continue;
      }
      objects.push(entry);
    }
    for (const key of [...this.holds.keys()]) if (!present.has(key)) this.holds.delete(key);
    return { ...snapshot, objects };
  }

  /**
   * Holds `entry` (its current version) for `reason`. Does nothing when that version is the
   * one it would fall back to: a version that was accepted is not held against itself.
   */
  hold(entry: SourcedObject, reason: HoldReason, from: Fallback, statuses: readonly ObjectStatus[]): boolean {
    const key = objectKey(entry.object);
    const fallback = (from === 'valid' ? this.valid : this.acked).get(key);
    if (fallback && sameVersion(fallback.object, entry.object)) return false;
    const marked = statuses.filter((s) => statusKey(s) === key).map((s) => markRejected(s, reason.message, entry.object.metadata.generation));
    this.holds.set(key, { ...reason, key, rejected: entry, ...(fallback ? { fallback } : {}), statuses: marked });
    return true;
  }

  /**
   * Holds `entry`, whose current version has mistakes in its own fields (`errors`: an
   * unsupported listener protocol, a rule dropped for a bad value), at its last version that
   * had none: traffic keeps that version while errors and status describe the new one (the
   * translator's conditions, as the spec demands, noting which version serves). Not held when
   * there is no such version of this very object (same uid): the translator then serves what
   * it can of the new one, as for any object that was never valid.
   */
  holdInvalid(entry: SourcedObject, errors: readonly TranslationError[], statuses: readonly ObjectStatus[]): boolean {
    const key = objectKey(entry.object);
    const fallback = this.clean.get(key);
    const first = errors[0];
    if (!first || !fallback || sameVersion(fallback.object, entry.object) || fallback.object.metadata.uid !== entry.object.metadata.uid) return false;
    const o = entry.object;
    const note = `serving the last valid version of ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} until it is changed`;
    this.holds.set(key, {
      code: first.code,
      path: first.path,
      message: first.message,
      key,
      rejected: entry,
      fallback,
      statuses: statuses.filter((s) => statusKey(s) === key).map((s) => noteServing(s, note)),
      errors: errors.map((e) => ({ ...e, message: `${e.message} (${note})` })),
    });
    return true;
  }

  /** Ends a hold (the next translation tries the object's current version). */
  release(key: string): Hold | undefined {
    const hold = this.holds.get(key);
    this.holds.delete(key);
    return hold;
  }

  get(key: string): Hold | undefined {
    return this.holds.get(key);
  }

  list(): Hold[] {
    return [...this.holds.values()];
  }

  /**
   * Records the objects a translation passed the checks with (`left` are the keys it left out;
   * `flawed` those translated with mistakes in their own fields, which are no clean version).
   */
  passed(objects: readonly SourcedObject[], left: ReadonlySet<string>, flawed: ReadonlySet<string> = new Set()): void {
    const valid = left.size ? objects.filter((o) => !left.has(objectKey(o.object))) : objects;
    this.valid = new VersionIndex(valid);
    this.clean = flawed.size ? new VersionIndex(valid.filter((o) => !flawed.has(objectKey(o.object)))) : this.valid;
  }

  /** Records the objects of a configuration every connected Envoy accepted. */
  accepted(objects: readonly SourcedObject[]): void {
    this.acked = new VersionIndex(objects);
  }

  /** Entries of `objects` whose version is not the one Envoy last accepted (new or changed), not held. */
  unacked(objects: readonly SourcedObject[]): SourcedObject[] {
    return objects.filter((o) => {
      const key = objectKey(o.object);
      const acked = this.acked.get(key);
      return !this.holds.has(key) && !(acked && sameVersion(acked.object, o.object));
    });
  }

  /** The translation's result with the holds shown: their errors added, their statuses those of the rejected version. */
  decorate<S extends { statuses: ObjectStatus[]; errors: TranslationError[] }>(state: S): S {
    if (this.holds.size === 0) return state;
    const statuses = state.statuses.filter((s) => !this.holds.has(statusKey(s)));
    // An invalid version's own errors replace those of the version served in its place.
    const errors = state.errors.filter((e) => !this.holds.get(`${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`)?.errors);
    for (const h of this.holds.values()) {
      statuses.push(...h.statuses);
      if (h.errors) {
        errors.push(...h.errors);
        continue;
      }
      const o = h.rejected.object;
      const serves = h.fallback ? 'its last accepted version keeps serving' : 'it is left out (no version of it was accepted yet)';
      errors.push({
        object: { kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name },
        ...(h.rejected.source ? { source: h.rejected.source } : {}),
        path: h.path,
        code: h.code,
        message: `${h.message}; ${serves} until it is changed`,
      });
    }
    return { ...state, statuses, errors };
  }
}

/** Objects by key, indexed on first use (most translations never look one up). */
class VersionIndex {
  private byKey?: Map<string, SourcedObject>;

  constructor(readonly objects: readonly SourcedObject[]) {}

  get(key: string): SourcedObject | undefined {
    this.byKey ??= new Map(this.objects.map((o) => [objectKey(o.object), o]));
    return this.byKey.get(key);
  }
}

/**
 * The same version of an object: providers hand unchanged objects on as the same objects;
 * otherwise everything but `status` and server-kept metadata counts (a status write, which
 * bumps `resourceVersion`, must not look like a new version and end a hold). Compared as
 * JSON: only held objects and, on a NACK, the snapshot's objects are compared.
 */
export function sameVersion(a: KubeObject, b: KubeObject): boolean {
  return a === b || content(a) === content(b);
}

/** An object's content as JSON (which also drops fields set to undefined, as providers may leave some). */
function content(o: KubeObject): string {
  const { status: _status, metadata: m, ...rest } = o;
  // The uid tells a deleted and re-created object (a new one) from a new version of the same.
  return JSON.stringify([m.name, m.namespace, m.uid, m.labels, m.annotations, rest]);
}

const statusKey = (s: ObjectStatus): string => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

/**
 * A status whose conditions say the version was rejected: `Programmed` (a Gateway) or else
 * `Accepted` (routes per parent, Ingresses) becomes False with reason `Rejected`.
 */
export function markRejected(s: ObjectStatus, message: string, generation: number | undefined): ObjectStatus {
  const mark = (conditions: Condition[]): Condition[] => {
    const type = conditions.some((c) => c.type === 'Programmed') ? 'Programmed' : 'Accepted';
    const rejected: Condition = { type, status: 'False', reason: 'Rejected', message, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
    const others = conditions.filter((c) => c.type !== type).map((c) => (generation !== undefined && c.observedGeneration !== undefined ? { ...c, observedGeneration: generation } : c));
    return [rejected, ...others];
  };
  // An object without conditions (an Ingress) gets the Accepted one.
  return editConditions(s, mark, true);
}

/** The translator's status of an invalid version, its Accepted/Programmed messages noting which version serves. */
function noteServing(s: ObjectStatus, note: string): ObjectStatus {
  const add = (conditions: Condition[]): Condition[] =>
    conditions.map((c) => (NOTED_CONDITIONS.has(c.type) ? { ...c, message: c.message ? `${c.message} (${note})` : note } : c));
  return editConditions(s, add, false);
}

/** `s` with `edit` applied to its conditions and each route parent's (`create`: to top-level ones even when there are none, unless it has parents). */
function editConditions(s: ObjectStatus, edit: (conditions: Condition[]) => Condition[], create: boolean): ObjectStatus {
  const body = s.status as { conditions?: Condition[]; parents?: Array<{ conditions?: Condition[] }> };
  const status: Record<string, unknown> = { ...s.status };
  if (Array.isArray(body.parents)) status.parents = body.parents.map((p) => ({ ...p, conditions: edit(p.conditions ?? []) }));
  if (Array.isArray(body.conditions) || (create && !Array.isArray(body.parents))) status.conditions = edit(body.conditions ?? []);
  return { ...s, status };
}
