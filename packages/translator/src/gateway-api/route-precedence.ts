// Gateway API rule precedence inside one virtual host (HTTPRoute and GRPCRoute orders), as sortable rank tuples.
import type { RouteMatch } from '@tidegate/ir';

/**
 * A route match's place in precedence: a tuple compared element by element
 * (lower sorts first). Each route kind builds its own leading criteria; the
 * shared tail is route age, `namespace/name`, rule and match index. Shared
 * code only compares tuples, never looks at what a route kind put in them.
 */
export interface PrecedenceKey {
  rank: ReadonlyArray<number | string>;
}

/** The route a match comes from, as the shared tie-breakers see it. */
export interface RouteIdentity {
  namespace: string;
  name: string;
  creationTimestamp?: string;
}

/** Oldest route first (no timestamp sorts last), then namespace/name, then rule and match order. */
function tieBreakers(route: RouteIdentity, rule: number, matchIndex: number): Array<number | string> {
  return [route.creationTimestamp ?? '\uffff', `${route.namespace}/${route.name}`, rule, matchIndex];
}

/**
 * HTTPRoute: an Exact path before prefix/regex; longer paths first; then a
 * method match, more header matches, more query matches; then the tie-breakers.
 */
export function precedenceKey(match: RouteMatch, route: RouteIdentity, rule: number, matchIndex: number): PrecedenceKey {
  return {
    rank: [
      match.path.type === 'exact' ? 0 : 1,
      -match.path.value.length,
      match.method !== undefined ? 0 : 1,
      -(match.headers?.length ?? 0),
      -(match.queryParams?.length ?? 0),
      ...tieBreakers(route, rule, matchIndex),
    ],
  };
}

/**
 * GRPCRoute: more characters of matching service, then of method, then more
 * header matches; then the tie-breakers. (Hostname specificity is applied
 * between virtual hosts, as for HTTPRoute.)
 */
export function grpcPrecedenceKey(
  m: { serviceLength: number; methodLength: number; headers: number },
  route: RouteIdentity,
  rule: number,
  matchIndex: number,
): PrecedenceKey {
  return { rank: [-m.serviceLength, -m.methodLength, -m.headers, ...tieBreakers(route, rule, matchIndex)] };
}

/** Compares two keys element by element. */
export function comparePrecedence(a: PrecedenceKey, b: PrecedenceKey): number {
  const n = Math.min(a.rank.length, b.rank.length);
  for (let i = 0; i < n; i++) {
    const x = a.rank[i] as number | string;
    const y = b.rank[i] as number | string;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.rank.length - b.rank.length;
}

const sortKeys = new WeakMap<PrecedenceKey, string>();

/**
 * The key as one string that sorts like {@link comparePrecedence} (numbers offset and
 * zero-padded, strings ended by a character below any other), so large route lists
 * sort with plain string comparison. Memoized per key.
 */
export function precedenceSortKey(key: PrecedenceKey): string {
  let s = sortKeys.get(key);
  if (s === undefined) {
    s = key.rank.map((x) => (typeof x === 'number' ? String(x + 1_000_000_000).padStart(10, '0') : `${x}\u0000`)).join('\u0001');
    sortKeys.set(key, s);
  }
  return s;
}
