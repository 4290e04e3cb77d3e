// Path and host rewrites of forwarded requests, and the prefix replacement redirects share.
import type { PathRewrite, RouteMatch } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { escapeRegex, safeRegex } from './regex';
import { trimPrefix } from './route-match';

/** Replaces the whole path (query string excluded, as Envoy rewrites only the path). */
export const fullPathRewrite = (value: string): EnvoyObject => ({
  regex_rewrite: { pattern: safeRegex('^.*$'), substitution: value },
});

/**
 * Replaces the matched prefix. Replacing `/api` by `/` must turn `/api/x` into `/x`, not
 * `//x`, so that case strips the prefix and its slashes with a regex instead.
 */
export function prefixReplacement(match: RouteMatch, replacement: string): EnvoyObject {
  // A plain string prefix is replaced as written (`/api` → `/v2` turns `/apix` into `/v2x`).
  if (match.path.type === 'string-prefix') return { prefix_rewrite: replacement };
  if (match.path.type !== 'prefix') return fullPathRewrite(replacement);
  const prefix = trimPrefix(match.path.value);
  const target = trimPrefix(replacement);
  if (target === '/' && prefix !== '/') {
    const flags = match.caseInsensitive ? '(?i)' : '';
    return { regex_rewrite: { pattern: safeRegex(`${flags}^${escapeRegex(prefix)}/*`), substitution: '/' } };
  }
  return { prefix_rewrite: target };
}

/** RouteAction fields for a path rewrite and a host rewrite. */
export function rewriteFields(rewrite: PathRewrite | undefined, match: RouteMatch, hostRewrite: string | undefined): EnvoyObject {
  const out: EnvoyObject = {};
  if (rewrite?.type === 'prefix') Object.assign(out, prefixReplacement(match, rewrite.value));
  else if (rewrite?.type === 'full') Object.assign(out, fullPathRewrite(rewrite.value));
  else if (rewrite?.type === 'regex') {
    out.regex_rewrite = { pattern: safeRegex(rewrite.pattern), substitution: rewrite.substitution };
  }
  if (hostRewrite) out.host_rewrite_literal = hostRewrite;
  return out;
}
