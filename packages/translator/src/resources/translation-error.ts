// The problems a resources → IR translator reports: one per user mistake, located by object, file and field.
import type { SourceRef } from '@tidegate/common';

/** Names the object a problem belongs to (namespace is absent for cluster-scoped kinds). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** One user mistake found while translating; translation of everything else goes on. */
export interface TranslationError {
  object: ObjectRef;
  /** The file (and document) the object came from, when the provider knows it. */
  source?: SourceRef;
  /** Field path inside the object, e.g. `spec.rules[0].backendRefs[1].port`; empty for the whole object. */
  path: string;
  message: string;
  /** Stable machine-readable code, e.g. `unknown-field`, `backend-not-found`. */
  code: string;
}

/** Where a translator puts the errors it finds. */
export class ErrorSink {
  readonly errors: TranslationError[] = [];

  add(at: { ref: ObjectRef; source?: SourceRef }, path: string, code: string, message: string): void {
    this.errors.push(at.source ? { object: at.ref, source: at.source, path, message, code } : { object: at.ref, path, message, code });
  }

  /** Errors grouped by object (kind, namespace, name), keeping each object's own order. */
  sorted(): TranslationError[] {
    const key = (e: TranslationError) => `${e.object.kind}\u0000${e.object.namespace ?? ''}\u0000${e.object.name}`;
    return this.errors
      .map((e, i) => ({ e, i, k: key(e) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
      .map((x) => x.e);
  }
}
