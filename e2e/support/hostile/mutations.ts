// Mutation plans for the fuzz suite: what to do to a seed's objects, as plain data fast-check can shrink.
import fc from 'fast-check';
import { HOSTILE_STRINGS, hostileString, hostileValue } from './values';

type Json = unknown;
type Path = ReadonlyArray<string | number>;

/** One change inside an object. `at` picks a place (modulo the number of candidate places). */
export type ObjectMutation =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'retext'; at: number; text: string }
  | { op: 'append'; at: number; text: string }
  | { op: 'delete'; at: number }
  | { op: 'extra'; at: number; key: string; value: Json }
  | { op: 'grow'; at: number; times: number }
  | { op: 'nest'; at: number; depth: number };

/** One change to the configuration's list of objects. `target` picks an object (modulo). */
export type ConfigMutation =
  | { op: 'object'; target: number; changes: ObjectMutation[] }
  | { op: 'duplicate'; target: number }
  | { op: 'clone'; target: number; name: string }
  | { op: 'retype'; target: number; kind: string };

const KINDS = [
  'GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'Ingress',
  'IngressClass', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap', 'BackendPolicy', 'ClientTrafficPolicy', 'HTTPRouteFilter',
  'GrpcTarget', 'McpBridge', 'HttpRoute', 'gateway', 'Ingresses', 'List',
];
const EXTRA_KEYS = ['bakendRefs', 'extra', '__proto__', 'constructor', 'toString', '', ' ', 'spec', 'metadata', '$ref', 'a.b', '<<'];

const at = fc.nat({ max: 10_000 });
/** Most items, and about the most bytes (as JSON), a grown list gets. */
const MAX_GROWN_ITEMS = 3_000;
const MAX_GROWN_BYTES = 2_000_000;

/** Changes that keep the object's shape and put hostile text in its strings: the kind most likely to reach Envoy. */
export const stringMutation: fc.Arbitrary<ObjectMutation> = fc.oneof(
  fc.record({ op: fc.constant('retext' as const), at, text: hostileString }),
  fc.record({ op: fc.constant('append' as const), at, text: fc.constantFrom(...HOSTILE_STRINGS) }),
);

/** Any change inside an object: wrong types, missing and extra fields, huge arrays, deep nesting, hostile strings. */
export const objectMutation: fc.Arbitrary<ObjectMutation> = fc.oneof(
  { weight: 4, arbitrary: stringMutation },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('extra' as const), at, key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), hostileString), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), at, times: fc.oneof(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 100, max: 3000 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at, depth: fc.integer({ min: 1, max: 200 }) }) },
);

/** A change to the list of objects: a changed object, a duplicate, a conflicting copy, a wrong kind. */
export function configMutation(changes: fc.Arbitrary<ObjectMutation> = objectMutation): fc.Arbitrary<ConfigMutation> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('object' as const), target: at, changes: fc.array(changes, { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), target: at }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clone' as const), target: at, name: fc.oneof(fc.constantFrom('copy', 'a', 'zz'), hostileString) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('retype' as const), target: at, kind: fc.constantFrom(...KINDS) }) },
  );
}

/**
 * The objects after the mutations (the input is not changed). Duplicates and clones are
 * appended, so they land after the original in the file order.
 */
export function applyConfigMutations(objects: readonly Json[], mutations: readonly ConfigMutation[]): Json[] {
  const out = objects.map((o) => structuredClone(o));
  for (const m of mutations) {
    if (out.length === 0) break;
    const i = m.target % out.length;
    const target = out[i];
    switch (m.op) {
      case 'object':
        out[i] = m.changes.reduce(applyObjectMutation, target);
        break;
      case 'duplicate':
        out.push(structuredClone(target));
        break;
      case 'clone':
        out.push(withMetadata(target, { name: m.name }));
        break;
      case 'retype':
        out[i] = isMapping(target) ? { ...target, kind: m.kind } : target;
        break;
    }
  }
  return out;
}

/** The object after one change; candidates for `at` depend on the change (strings, arrays, mappings, anything). */
export function applyObjectMutation(object: Json, m: ObjectMutation): Json {
  const paths = allPaths(object);
  const pick = (candidates: Path[]): Path | undefined => (candidates.length ? candidates[m.at % candidates.length] : undefined);
  const valueAt = (p: Path): Json => p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], object);
  switch (m.op) {
    case 'replace': {
      const p = pick(paths.filter((q) => q.length > 0));
      return p ? setAt(object, p, m.value) : object;
    }
    case 'retext':
    case 'append': {
      const p = pick(paths.filter((q) => q.length > 0 && typeof valueAt(q) === 'string'));
      return p ? setAt(object, p, m.op === 'retext' ? m.text : `${valueAt(p) as string}${m.text}`) : object;
    }
    case 'delete': {
      const p = pick(paths.filter((q) => q.length > 0));
      return p ? deleteAt(object, p) : object;
    }
    case 'extra': {
      const p = pick(paths.filter((q) => isMapping(valueAt(q))));
      return p ? setAt(object, [...p, m.key], m.value) : object;
    }
    case 'grow': {
      const p = pick(paths.filter((q) => Array.isArray(valueAt(q)) && (valueAt(q) as Json[]).length > 0));
      if (!p) return object;
      const items = valueAt(p) as Json[];
      // Capped in items and bytes: growing a list of huge strings, or one list twice, would
      // otherwise make files of hundreds of MB, a test of memory (and of the provider's file
      // size limit, tested on its own), not of the translators.
      const itemBytes = Math.max(1, JSON.stringify(items).length / items.length);
      const length = Math.max(items.length, Math.min(items.length * m.times, MAX_GROWN_ITEMS, Math.floor(MAX_GROWN_BYTES / itemBytes)));
      return setAt(object, p, Array.from({ length }, (_, k) => structuredClone(items[k % items.length])));
    }
    case 'nest': {
      const p = pick(paths.filter((q) => q.length > 0));
      if (!p) return object;
      let v = valueAt(p);
      for (let d = 0; d < m.depth; d++) v = d % 2 ? [v] : { [p[p.length - 1] ?? 'x']: v };
      return setAt(object, p, v);
    }
  }
}

function withMetadata(object: Json, fields: Record<string, Json>): Json {
  if (!isMapping(object)) return structuredClone(object);
  const metadata = isMapping(object.metadata) ? object.metadata : {};
  return { ...structuredClone(object), metadata: { ...structuredClone(metadata), ...fields } };
}

const isMapping = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path in the value, the root (`[]`) first, depth first (no recursion: values may be deep and wide). */
function allPaths(value: Json): Path[] {
  const out: Path[] = [];
  const stack: Array<{ v: Json; p: Path }> = [{ v: value, p: [] }];
  while (stack.length > 0) {
    const { v, p } = stack.pop()!;
    out.push(p);
    const children: Array<[string | number, Json]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : isMapping(v) ? Object.entries(v) : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ v: children[i]![1], p: [...p, children[i]![0]] });
  }
  return out;
}

/** A copy with the value at `path` replaced (containers along the path are copied). */
function setAt(value: Json, path: Path, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v));
  const base = isMapping(value) ? value : {};
  // A computed key makes even `__proto__` an own field, as YAML does.
  return { ...base, [head]: setAt(Object.hasOwn(base, head) ? base[head] : undefined, rest, replacement) };
}

function deleteAt(value: Json, path: Path): Json {
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length > 0) {
    if (Array.isArray(value)) return value.map((v, i) => (i === head ? deleteAt(v, rest) : v));
    return isMapping(value) ? { ...value, [head]: deleteAt(value[head], rest) } : value;
  }
  if (Array.isArray(value)) return value.filter((_, i) => i !== head);
  if (!isMapping(value)) return value;
  const { [head]: _gone, ...kept } = value;
  return kept;
}
