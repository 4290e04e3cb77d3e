// Kubernetes-style objects as providers publish them, and status as translators report it.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
}

/** Any Kubernetes-style object. `spec` is validated by the translator that owns the kind. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  [field: string]: unknown;
}

/** Where an object came from, for error messages (a file and document index in standalone). */
export interface SourceRef {
  file?: string;
  document?: number;
}

export interface SourcedObject {
  object: KubeObject;
  source?: SourceRef;
}

/** The whole current state one provider owns: everything, every time (level-triggered). */
export interface ResourceSnapshot {
  /** Objects by `kind`; order inside a kind is stable (namespace/name). */
  objects: SourcedObject[];
  /** Problems that kept an object out of `objects` (unparseable YAML, missing metadata). */
  errors: ProviderError[];
}

export interface ProviderError {
  source: SourceRef;
  /** The object, when it could be identified. */
  object?: { kind?: string; namespace?: string; name?: string };
  path: string;
  message: string;
  /** Stable machine-readable code, e.g. `yaml-syntax`, `unknown-kind`, `unknown-field`. */
  code?: string;
}

/** Kubernetes-style condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** Status a translator computed for one object; providers write it where users look. */
export interface ObjectStatus {
  kind: string;
  namespace?: string;
  name: string;
  /** Kind-specific status body, e.g. Gateway API `status` or Ingress `status`. */
  status: Record<string, unknown>;
}

/** Keys by object: providers key every object of a snapshot on every change, and objects are never mutated. */
const objectKeys = new WeakMap<object, string>();

export function objectKey(o: { kind: string; metadata: ObjectMeta }): string {
  let key = objectKeys.get(o);
  if (key === undefined) objectKeys.set(o, (key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  return key;
}

/**
 * The lists joined; when at most one of them has entries, that list itself. Snapshots are
 * merged from several providers on every change, and keeping the one provider's array (the
 * usual case) lets every stage that remembers work per snapshot array find it again.
 */
export function joinLists<T>(lists: ReadonlyArray<T[]>): T[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  return nonEmpty.flat() as T[];
}
