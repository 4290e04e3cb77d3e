// One HTTPRouteMatch as an IR RouteMatch (defaults, trailing slashes, repeated names, Envoy's checks on patterns and names).
import { headerNameProblem, queryParamNameProblem, regexProblem, stringMatchProblem, type HeaderMatch, type PathMatch, type QueryMatch, type RouteMatch } from '@tidegate/ir';
import type { HttpRouteMatchSpec } from './http-route-schema';

export type MatchResult = { ok: true; match: RouteMatch } | { ok: false; field: string; message: string };

const PATH_TYPE = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regex' } as const;

/** An absent match (or absent path) means PathPrefix "/". */
export function toRouteMatch(m: HttpRouteMatchSpec | undefined): MatchResult {
  const type = PATH_TYPE[m?.path?.type ?? 'PathPrefix'];
  let value = m?.path?.value ?? '/';
  if (type === 'regex') {
    const bad = regexProblem(value);
    if (bad) return { ok: false, field: '.path.value', message: bad };
  }
  // PathPrefix matches whole path elements and ignores a trailing "/": "/abc/" is "/abc".
  if (type === 'prefix' && value.length > 1) value = value.replace(/\/+$/, '') || '/';
  const match: RouteMatch = { path: { type, value } as PathMatch };

  const headers: HeaderMatch[] = [];
  const seenHeaders = new Set<string>();
  for (const [i, h] of (m?.headers ?? []).entries()) {
    // Gateway API: only the first match for a (case-insensitive) header name counts.
    if (seenHeaders.has(h.name.toLowerCase())) continue;
    seenHeaders.add(h.name.toLowerCase());
    const hType = h.type === 'RegularExpression' ? 'regex' : 'exact';
    const badName = headerNameProblem(h.name);
    if (badName) return { ok: false, field: `.headers[${i}].name`, message: badName };
    const bad = stringMatchProblem(hType, h.value);
    if (bad) return { ok: false, field: `.headers[${i}].value`, message: bad };
    headers.push({ name: h.name, type: hType, value: h.value });
  }
  if (headers.length) match.headers = headers;

  const queryParams: QueryMatch[] = [];
  const seenParams = new Set<string>();
  for (const [i, q] of (m?.queryParams ?? []).entries()) {
    if (seenParams.has(q.name)) continue;
    seenParams.add(q.name);
    const qType = q.type === 'RegularExpression' ? 'regex' : 'exact';
    const badName = queryParamNameProblem(q.name);
    if (badName) return { ok: false, field: `.queryParams[${i}].name`, message: badName };
    const bad = stringMatchProblem(qType, q.value);
    if (bad) return { ok: false, field: `.queryParams[${i}].value`, message: bad };
    queryParams.push({ name: q.name, type: qType, value: q.value });
  }
  if (queryParams.length) match.queryParams = queryParams;
  if (m?.method) match.method = m.method;
  return { ok: true, match };
}
