// Gateway API rule precedence inside one virtual host, as a sort key and comparator.
import type { RouteMatch } from '@tidegate/ir';

export interface PrecedenceKey {
  exact: boolean;
  pathLength: number;
  method: boolean;
  headers: number;
  queryParams: number;
  /** creationTimestamp of the route; absent sorts after present. */
  created?: string;
  /** `namespace/name` of the route. */
  object: string;
  rule: number;
  match: number;
}

/** The precedence key of one match of one rule. */
export function precedenceKey(
  match: RouteMatch,
  route: { namespace: string; name: string; creationTimestamp?: string },
  rule: number,
  matchIndex: number,
): PrecedenceKey {
  const key: PrecedenceKey = {
    exact: match.path.type === 'exact',
    pathLength: match.path.value.length,
    method: match.method !== undefined,
    headers: match.headers?.length ?? 0,
    queryParams: match.queryParams?.length ?? 0,
    object: `${route.namespace}/${route.name}`,
    rule,
    match: matchIndex,
  };
  if (route.creationTimestamp) key.created = route.creationTimestamp;
  return key;
}

/**
 * Exact path before prefix/regex; longer paths first; then a method match, more
 * header matches, more query matches; then the oldest route, then
 * namespace/name; finally rule and match order inside the route.
 */
export function comparePrecedence(a: PrecedenceKey, b: PrecedenceKey): number {
  return (
    Number(b.exact) - Number(a.exact) ||
    b.pathLength - a.pathLength ||
    Number(b.method) - Number(a.method) ||
    b.headers - a.headers ||
    b.queryParams - a.queryParams ||
    compareStrings(a.created ?? '\uffff', b.created ?? '\uffff') ||
    compareStrings(a.object, b.object) ||
    a.rule - b.rule ||
    a.match - b.match
  );
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
