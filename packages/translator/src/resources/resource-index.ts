// Validated, looked-up-by-name view of the objects a translator reads; everything else is ignored.
import { compareStrings, upperBound, type KubeObject, type SourceRef, type SourcedObject } from '@tidegate/common';
import type { KindSchema } from './kind-schema';
import type { ErrorSink, ObjectRef } from './translation-error';
import { fieldIssues, type FieldIssue } from './zod-issues';

/** One object of a known kind whose body passed its schema. */
export interface Resource<T> {
  object: KubeObject;
  source?: SourceRef;
  ref: ObjectRef;
  /** `''` for cluster-scoped kinds; defaults to `default` for namespaced ones. */
  namespace: string;
  name: string;
  generation?: number;
  creationTimestamp?: string;
  body: T;
}

export type Lookup = 'valid' | 'invalid' | 'missing';

const kindKey = (group: string, kind: string): string => `${group}/${kind}`;
const objKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const IGNORED_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'status']);

type ParseResult = ReturnType<KindSchema<unknown>['body']['safeParse']>;

/**
 * Schema results by object identity. Providers hand over the same (never mutated)
 * object while its source is unchanged, so an unchanged object is validated once,
 * not on every translation. Translators treat parsed bodies as read-only.
 */
const parsedBodies = new WeakMap<KubeObject, Map<KindSchema<unknown>, ParseResult>>();

function parseBody(def: KindSchema<unknown>, object: KubeObject): ParseResult {
  let byKind = parsedBodies.get(object);
  const cached = byKind?.get(def);
  if (cached) return cached;
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (!IGNORED_TOP_LEVEL.has(k)) body[k] = v;
  const parsed = def.body.safeParse(body);
  if (!byKind) parsedBodies.set(object, (byKind = new Map()));
  byKind.set(def, parsed);
  return parsed;
}

/**
 * The problems `ResourceIndex` would report for `object` as a `def` (unsupported apiVersion,
 * schema issues), empty when it is valid. Shares the index's per-object cache, so a
 * provider checking an object first costs the translator nothing.
 */
export function kindIssues(def: KindSchema<unknown>, object: KubeObject): FieldIssue[] {
  const { group, version } = keysOf(object);
  if (!def.versions.includes(version)) {
    return [{ path: 'apiVersion', code: 'unsupported-version', message: `${object.apiVersion} is not supported; use ${def.versions.map((v) => (group ? `${group}/${v}` : v)).join(' or ')}` }];
  }
  const parsed = parseBody(def, object);
  return parsed.success ? [] : fieldIssues(parsed.error.issues);
}

/**
 * Valid resources by snapshot entry. Providers hand over the same entry while an object and
 * its source are unchanged, so most of a large index is reused as it was, not rebuilt.
 * Resources are read-only for everyone, like the parsed bodies they hold.
 */
const validResources = new WeakMap<SourcedObject, Map<KindSchema<unknown>, Resource<unknown>>>();

/** The last error-free index of one kind: its objects in index order and what they gave. */
interface KindMemo {
  /** The kind's objects in snapshot order, as they came. */
  input: readonly SourcedObject[];
  /** The same, in index order. */
  objects: readonly SourcedObject[];
  valid: Map<string, Resource<unknown>>;
  invalid: Set<string>;
}

/** By kind schema: translators index the same kinds (Services, Secrets…) from the same snapshot. */
const kindMemos = new WeakMap<KindSchema<unknown>, KindMemo>();

const byOrder = (a: SourcedObject, b: SourcedObject): number => compareStrings(keysOf(a.object).order, keysOf(b.object).order);

/** The resource of an object that passes every check `add` makes (name, version, schema), else undefined. */
function validResource(sourced: SourcedObject, def: KindSchema<unknown>): Resource<unknown> | undefined {
  const known = validResources.get(sourced)?.get(def);
  if (known) return known;
  const { object, source } = sourced;
  const name = object.metadata?.name;
  if (!name || !def.versions.includes(keysOf(object).version)) return undefined;
  const parsed = parseBody(def, object);
  if (!parsed.success) return undefined;
  const namespace = def.clusterScoped ? '' : (object.metadata?.namespace ?? 'default');
  const ref: ObjectRef = def.clusterScoped ? { kind: object.kind, name } : { kind: object.kind, namespace, name };
  const resource: Resource<unknown> = { object, ref, namespace, name, body: parsed.data };
  if (source) resource.source = source;
  if (object.metadata.generation !== undefined) resource.generation = object.metadata.generation;
  if (object.metadata.creationTimestamp !== undefined) resource.creationTimestamp = object.metadata.creationTimestamp;
  let byKind = validResources.get(sourced);
  if (!byKind) validResources.set(sourced, (byKind = new Map()));
  byKind.set(def, resource);
  return resource;
}

/**
 * Validates every object of the given kinds once (errors go to the sink) and
 * indexes the valid ones by kind, namespace and name. Objects of other kinds
 * belong to other translators and are skipped silently.
 */
export class ResourceIndex {
  private readonly valid = new Map<string, Map<string, Resource<unknown>>>();
  private readonly invalid = new Map<string, Set<string>>();

  constructor(objects: readonly SourcedObject[], kinds: ReadonlyArray<KindSchema<unknown>>, sink: ErrorSink) {
    const byKind = new Map(kinds.map((k) => [kindKey(k.group, k.kind), k]));
    // Only the kinds this index reads are sorted and checked: translators see every object.
    const inputs = new Map([...byKind.keys()].map((k) => [k, objectsOfKind(objects, k)] as const));
    const perKind = new Map([...byKind].map(([k, def]) => [k, sortedLikeMemo(inputs.get(k)!, kindMemos.get(def)) ?? [...inputs.get(k)!].sort(byOrder)]));
    if (this.fromMemos(byKind, inputs, perKind)) return;
    for (const k of byKind.keys()) {
      this.valid.set(k, new Map());
      this.invalid.set(k, new Set());
    }
    // One pass over every kind in namespace/name order, so errors come in the order they always did.
    const sorted = [...perKind.values()].flat().sort(byOrder);
    const withErrors = new Set<string>();
    for (const o of sorted) {
      const before = sink.errors.length;
      this.add(o, byKind, sink);
      if (sink.errors.length > before) withErrors.add(keysOf(o.object).kind);
    }
    for (const [k, def] of byKind) {
      if (!withErrors.has(k)) kindMemos.set(def, { input: inputs.get(k)!, objects: perKind.get(k)!, valid: this.valid.get(k)!, invalid: this.invalid.get(k)! });
    }
  }

  /**
   * Builds the index from the last error-free result per kind when each kind's objects are
   * the same entries as then, or differ in a few entries that keep their namespace/name and
   * are valid (an edit): those are put in place in a copy. Anything else (objects added or
   * removed, an invalid one, no earlier result) returns false and the index is built anew.
   * The maps are shared between indexes and never changed once built.
   */
  private fromMemos(byKind: Map<string, KindSchema<unknown>>, inputs: Map<string, readonly SourcedObject[]>, perKind: Map<string, readonly SourcedObject[]>): boolean {
    const plan: Array<{ k: string; def: KindSchema<unknown>; memo: KindMemo }> = [];
    for (const [k, def] of byKind) {
      const list = perKind.get(k)!;
      const memo = kindMemos.get(def);
      if (!memo || memo.objects.length !== list.length) return false;
      let valid: Map<string, Resource<unknown>> | undefined;
      for (let i = 0; i < list.length; i++) {
        const now = list[i]!;
        const before = memo.objects[i]!;
        if (now === before) continue;
        if (keysOf(now.object).order !== keysOf(before.object).order) return false;
        const resource = validResource(now, def);
        if (!resource) return false;
        (valid ??= new Map(memo.valid)).set(objKey(resource.namespace, resource.name), resource);
      }
      plan.push({ k, def, memo: { input: inputs.get(k)!, objects: list, valid: valid ?? memo.valid, invalid: memo.invalid } });
    }
    for (const { k, def, memo } of plan) {
      this.valid.set(k, memo.valid);
      this.invalid.set(k, memo.invalid);
      kindMemos.set(def, memo);
    }
    return true;
  }

  /** Valid objects of a kind, sorted by namespace then name. */
  list<T>(def: KindSchema<T>): Array<Resource<T>> {
    return [...(this.valid.get(kindKey(def.group, def.kind))?.values() ?? [])] as Array<Resource<T>>;
  }

  /** A valid object by namespace and name (namespace is ignored for cluster-scoped kinds). */
  get<T>(def: KindSchema<T>, namespace: string, name: string): Resource<T> | undefined {
    const ns = def.clusterScoped ? '' : namespace;
    return this.valid.get(kindKey(def.group, def.kind))?.get(objKey(ns, name)) as Resource<T> | undefined;
  }

  /** Whether an object exists and passed validation, exists but failed it, or is missing. */
  lookup(def: KindSchema<unknown>, namespace: string, name: string): Lookup {
    if (this.get(def, namespace, name)) return 'valid';
    const ns = def.clusterScoped ? '' : namespace;
    return this.invalid.get(kindKey(def.group, def.kind))?.has(objKey(ns, name)) ? 'invalid' : 'missing';
  }

  private add(sourced: SourcedObject, kinds: Map<string, KindSchema<unknown>>, sink: ErrorSink): void {
    const { object, source } = sourced;
    const keys = keysOf(object);
    const def = kinds.get(keys.kind);
    if (!def) return;
    const known = validResources.get(sourced)?.get(def);
    if (known) {
      const key = objKey(known.namespace, known.name);
      const valid = this.valid.get(keys.kind) as Map<string, Resource<unknown>>;
      if (!valid.has(key) && !this.invalid.get(keys.kind)?.has(key)) {
        valid.set(key, known);
        return;
      }
    }
    const name = object.metadata?.name;
    const namespace = def.clusterScoped ? '' : (object.metadata?.namespace ?? 'default');
    const ref: ObjectRef = def.clusterScoped ? { kind: object.kind, name } : { kind: object.kind, namespace, name };
    const at = source ? { ref, source } : { ref };
    const invalid = this.invalid.get(keys.kind) as Set<string>;
    const valid = this.valid.get(keys.kind) as Map<string, Resource<unknown>>;
    if (!name) {
      sink.add(at, 'metadata.name', 'missing-field', 'required field is missing');
      return;
    }
    const key = objKey(namespace, name);
    if (valid.has(key) || invalid.has(key)) {
      sink.add(at, '', 'duplicate-object', `${object.kind} ${namespace ? `${namespace}/` : ''}${name} is defined more than once; the first definition wins`);
      return;
    }
    const issues = kindIssues(def, object);
    if (issues.length > 0) {
      invalid.add(key);
      for (const issue of issues) sink.add(at, issue.path, issue.code, issue.message);
      return;
    }
    valid.set(key, validResource(sourced, def) as Resource<unknown>); // passes: checked just above
  }
}

/**
 * A kind's objects in index order without sorting them, when they are the memo's objects
 * with a few entries replaced in place by ones of the same namespace/name (a provider
 * hands over an edited object where the old one was). Undefined otherwise.
 */
function sortedLikeMemo(input: readonly SourcedObject[], memo: KindMemo | undefined): readonly SourcedObject[] | undefined {
  if (!memo || memo.input.length !== input.length) return undefined;
  let out: SourcedObject[] | undefined;
  for (let i = 0; i < input.length; i++) {
    const now = input[i]!;
    const before = memo.input[i]!;
    if (now === before) continue;
    if (keysOf(now.object).order !== keysOf(before.object).order) return undefined;
    // The last entry not after `before` is `before` itself when it is in the list (keys are unique there).
    const at = upperBound(memo.objects, before, byOrder) - 1;
    if (memo.objects[at] !== before) return undefined;
    (out ??= [...memo.objects])[at] = now;
  }
  return out ?? memo.objects;
}

/**
 * A snapshot's objects by kind key, worked out once per snapshot: every translator builds
 * its own index from the same array, most of them over a few kinds among thousands of objects.
 */
const partitions = new WeakMap<readonly SourcedObject[], Map<string, SourcedObject[]>>();

function objectsOfKind(objects: readonly SourcedObject[], kind: string): readonly SourcedObject[] {
  let byKind = partitions.get(objects);
  if (!byKind) {
    byKind = new Map();
    for (const o of objects) {
      const kind = keysOf(o.object).kind;
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = []));
      list.push(o);
    }
    partitions.set(objects, byKind);
  }
  return byKind.get(kind) ?? [];
}

/** `gateway.networking.k8s.io/v1` → [group, version]; `v1` → ['', 'v1']. */
export function splitApiVersion(apiVersion: string | undefined): [string, string] {
  const text = apiVersion ?? '';
  const slash = text.lastIndexOf('/');
  return slash < 0 ? ['', text] : [text.slice(0, slash), text.slice(slash + 1)];
}

/** Kind and sort keys per object: every translator indexes every object, every time. */
interface ObjectKeys {
  group: string;
  version: string;
  kind: string;
  order: string;
}
const objectKeys = new WeakMap<KubeObject, ObjectKeys>();

function keysOf(o: KubeObject): ObjectKeys {
  let keys = objectKeys.get(o);
  if (!keys) {
    const [group, version] = splitApiVersion(o.apiVersion);
    keys = { group, version, kind: kindKey(group, o.kind), order: `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}` };
    objectKeys.set(o, keys);
  }
  return keys;
}

/** Orders resources oldest first, then by namespace/name (Gateway API's tie-breaker). */
export function byAge(a: Resource<unknown>, b: Resource<unknown>): number {
  const ta = a.creationTimestamp ?? '\uffff';
  const tb = b.creationTimestamp ?? '\uffff';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = nameKeyOf(a);
  const kb = nameKeyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `namespace/name` per resource, built once (sorting thousands compares each many times). */
const nameKeys = new WeakMap<Resource<unknown>, string>();

function nameKeyOf(r: Resource<unknown>): string {
  let key = nameKeys.get(r);
  if (key === undefined) nameKeys.set(r, (key = `${r.namespace}/${r.name}`));
  return key;
}
