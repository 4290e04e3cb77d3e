// Keeps each object's last version that passed the translators' checks serving while a newer one fails them.
import { objectKey, type ProviderError, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import type { ObjectCheck, ObjectVerdict } from './object-check';
import { describeObject } from './object-name';

/**
 * The last-valid rule, shared by the providers. For each object (by kind, namespace,
 * name):
 * - passes the check: published, and remembered as its last valid version;
 * - fails it and a last valid version exists: that version is published instead, and
 *   each issue becomes an error (code, field path, object, file) saying so;
 * - fails it and was never valid: published as it is, so the translator reports it
 *   (and gives it a status condition) exactly as before: no error here, no duplicate;
 * - of a kind no translator reads: published (translators skip it) with an error.
 * An object that leaves the snapshot is forgotten: re-created, it starts afresh.
 */
export class LastValidObjects {
  private lastValid = new Map<string, SourcedObject>();
  private readonly verdicts = new WeakMap<object, ObjectVerdict>();

  constructor(private readonly check: ObjectCheck) {}

  /**
   * `snapshot` with the rule applied: its own objects array when nothing was replaced (the
   * translators key caches on it), the check's errors after the snapshot's own.
   */
  applyTo(snapshot: ResourceSnapshot): ResourceSnapshot {
    const { objects, errors } = this.apply(snapshot.objects);
    return objects === snapshot.objects && errors.length === 0 ? snapshot : { objects, errors: [...snapshot.errors, ...errors] };
  }

  private apply(objects: SourcedObject[]): { objects: SourcedObject[]; errors: ProviderError[] } {
    const next = new Map<string, SourcedObject>();
    const errors: ProviderError[] = [];
    let out: SourcedObject[] | undefined;
    for (let i = 0; i < objects.length; i++) {
      const entry = objects[i]!;
      const chosen = this.choose(entry, next, errors);
      if (out) out.push(chosen);
      else if (chosen !== entry) (out = objects.slice(0, i)).push(chosen);
    }
    this.lastValid = next;
    return { objects: out ?? objects, errors };
  }

  /** The entry to publish for `entry`: itself, or its last valid version. */
  private choose(entry: SourcedObject, next: Map<string, SourcedObject>, errors: ProviderError[]): SourcedObject {
    const verdict = this.verdictOf(entry);
    if (!verdict.read) {
      for (const issue of verdict.issues) errors.push(errorFor(entry, issue.code, issue.path, issue.message));
      return entry;
    }
    const key = objectKey(entry.object);
    if (verdict.issues.length === 0) {
      next.set(key, entry);
      return entry;
    }
    const last = this.lastValid.get(key);
    if (!last) return entry; // never valid: the translator reports it
    next.set(key, last);
    const id = describeObject(entry.object);
    for (const issue of verdict.issues) {
      errors.push(errorFor(entry, issue.code, issue.path, `${issue.path ? `${issue.path}: ` : ''}${issue.message} (serving the last valid version of ${id})`));
    }
    return last;
  }

  private verdictOf(entry: SourcedObject): ObjectVerdict {
    let verdict = this.verdicts.get(entry.object);
    if (!verdict) this.verdicts.set(entry.object, (verdict = this.check(entry.object)));
    return verdict;
  }
}

function errorFor(entry: SourcedObject, code: string, path: string, message: string): ProviderError {
  const { kind, metadata } = entry.object;
  const where = entry.source?.file ? `${entry.source.file}: ` : '';
  return {
    source: { ...entry.source },
    object: { kind, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), name: metadata.name },
    path,
    code,
    message: `${where}${describeObject(entry.object)}: ${message}`,
  };
}
