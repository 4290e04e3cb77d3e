// RouteMatch: path (exact / segment prefix / string prefix / regex), case folding, header, query-parameter and method matches.
import type { HeaderMatch, PathMatch, QueryMatch, RouteMatch } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { safeRegex } from './regex';

/** Builds a `RouteMatch`. */
export function routeMatch(m: RouteMatch, target: RouteTarget): EnvoyObject {
  const out: EnvoyObject = pathSpecifier(m.path, m.caseInsensitive === true, target);
  if (m.caseInsensitive && m.path.type !== 'regex') out.case_sensitive = { value: false };
  const headers = [...(m.headers ?? []).map(headerMatcher)];
  // `:method` is a pseudo-header Envoy and gRPC both match like any other header.
  if (m.method) headers.push({ name: ':method', string_match: { exact: m.method } });
  if (headers.length) out.headers = headers;
  if (m.queryParams?.length) out.query_parameters = m.queryParams.map(queryMatcher);
  return out;
}

/**
 * A prefix matches whole path segments (`/api` takes `/api` and `/api/x`, not `/apix`), which
 * Envoy's `path_separated_prefix` does. gRPC clients only know `prefix`; their paths are
 * `/package.Service/Method`, where a plain prefix is what users mean.
 */
function pathSpecifier(path: PathMatch, caseInsensitive: boolean, target: RouteTarget): EnvoyObject {
  switch (path.type) {
    case 'exact':
      return { path: path.value };
    case 'regex':
      return { safe_regex: safeRegex(caseInsensitive ? `(?i)${path.value}` : path.value) };
    case 'string-prefix':
      return { prefix: path.value };
    case 'prefix': {
      if (target === 'proxyless') return { prefix: path.value };
      const trimmed = trimPrefix(path.value);
      // path_separated_prefix cannot be "/" nor contain a query or fragment marker.
      if (trimmed === '/' || /[?#]/.test(trimmed)) return { prefix: trimmed };
      return { path_separated_prefix: trimmed };
    }
  }
}

/** A path prefix without trailing slashes (`/api/` and `/api` mean the same); `/` stays. */
export function trimPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function stringMatcher(type: 'exact' | 'prefix' | 'regex', value: string): EnvoyObject {
  if (type === 'regex') return { safe_regex: safeRegex(value) };
  return { [type]: value };
}

function headerMatcher(h: HeaderMatch): EnvoyObject {
  const out: EnvoyObject = { name: h.name };
  if (h.type === 'present') out.present_match = true;
  else out.string_match = stringMatcher(h.type, h.value ?? '');
  if (h.invert) out.invert_match = true;
  return out;
}

function queryMatcher(q: QueryMatch): EnvoyObject {
  if (q.type === 'present' || q.value === undefined) return { name: q.name, present_match: true };
  return { name: q.name, string_match: stringMatcher(q.type, q.value) };
}
