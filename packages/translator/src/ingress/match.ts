// An Ingress path as an IR route match, and the key two Ingresses conflict on.
import type { HeaderMatch, RouteMatch } from '@tidegate/ir';
import { rewriteGroup } from './annotations/rewrite';
import { regexProblem } from './annotations/values';
import { settingsOf } from './ingress-settings';
import type { PathEntry } from './paths';

export type MatchResult = { ok: true; match: RouteMatch; regex: boolean; key: string; baseKey: string } | { ok: false; message: string };

/**
 * Exact paths stay exact. Otherwise, on a host where some Ingress asks for regexes
 * (use-regex, rewrite-target), the path is a case-insensitive regex anchored at the start,
 * like nginx `location ~* "^path"` (higress.io/full-path-regex anchors the end too).
 * Without regexes, Prefix matches whole segments and ImplementationSpecific is a plain
 * string prefix, like an nginx prefix location.
 */
export function entryMatch(entry: PathEntry, regexHost: boolean): MatchResult {
  const rw = settingsOf(entry.ingress, rewriteGroup);
  const regex = regexHost && entry.pathType !== 'Exact';
  const match: RouteMatch = { path: { type: 'exact', value: entry.path } };
  if (regex) {
    const problem = regexProblem(entry.path);
    if (problem) return { ok: false, message: `path ${JSON.stringify(entry.path)}: ${problem}` };
    match.path = { type: 'regex', value: rw?.fullPathRegex ? entry.path : `(?:${entry.path}).*` };
    match.caseInsensitive = true;
  } else if (entry.pathType === 'Prefix') match.path = { type: 'prefix', value: entry.path };
  else if (entry.pathType === 'ImplementationSpecific') match.path = { type: 'string-prefix', value: entry.path };
  if (rw?.ignoreCase) match.caseInsensitive = true;
  const headers: HeaderMatch[] = [...(rw?.headers ?? [])];
  if (rw?.methods?.length === 1) match.method = rw.methods[0] as string;
  else if (rw?.methods && rw.methods.length > 1) headers.push({ name: ':method', type: 'regex', value: rw.methods.join('|') });
  if (headers.length) match.headers = headers;
  if (rw?.queryParams.length) match.queryParams = [...rw.queryParams];
  const baseKey = `${entry.host}\n${entry.pathType === 'Exact' ? '=' : '~'}\n${entry.path}`;
  const plain = !match.method && !match.headers && !match.queryParams;
  const key = plain ? baseKey : `${baseKey}\n${JSON.stringify([match.method ?? '', match.headers ?? [], match.queryParams ?? []])}`;
  return { ok: true, match, regex, key, baseKey };
}

/** How many extra conditions a match has (more specific routes go first). */
export function conditionCount(m: RouteMatch): number {
  return (m.method ? 1 : 0) + (m.headers?.length ?? 0) + (m.queryParams?.length ?? 0);
}
