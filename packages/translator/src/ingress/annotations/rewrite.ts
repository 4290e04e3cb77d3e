// Rewrites and matching: rewrite-target (with captures), regex paths, Higress path rewrites and extra match conditions (methods, headers, pseudo-headers, query parameters).
import { escapeRegex, headerSafeProblem, stringMatchProblem, type HeaderMatch, type PathRewrite, type QueryMatch } from '@tidegate/ir';
import { annotation, type AnnotationDef, type AnnotationGroup, type AnnotationReader, type GroupContext } from './annotation';
import { caseless } from './caseless';
import { bool, read, regexProblem } from './values';

export interface RewriteSettings {
  /** RE2 substitution (`\1`) of the whole path; implies regex paths on the host. */
  rewriteTarget?: string;
  useRegex?: boolean;
  /** Higress: regex paths match the whole path instead of a prefix. */
  fullPathRegex?: boolean;
  /** Higress: replace the matched path (prefix or whole) with this. */
  rewritePath?: string;
  upstreamVhost?: string;
  ignoreCase?: boolean;
  methods?: string[];
  headers: HeaderMatch[];
  queryParams: QueryMatch[];
}

const REWRITE_TARGET = annotation('rewrite-target', 'supported', 'the whole path is replaced by the target; `$1`-style captures of the path regex become RE2 `\\1` substitutions; the host\'s paths become case-insensitive regexes (as ingress-nginx enforces)');
const USE_REGEX = annotation('use-regex', 'supported', 'paths of every Ingress on the host are case-insensitive RE2 regexes anchored at the start (nginx `location ~*`); Exact paths stay exact');
const FULL_PATH_REGEX = annotation('full-path-regex', 'supported', 'regex paths must match the whole path rather than its start', { higressOnly: true });
const REWRITE_PATH = annotation('rewrite-path', 'supported', 'the matched prefix (Prefix/ImplementationSpecific paths) or the whole path (Exact and regex paths) is replaced', { higressOnly: true });
const UPSTREAM_VHOST = annotation('upstream-vhost', 'supported', 'Host / :authority sent upstream (route host rewrite)');
const IGNORE_PATH_CASE = annotation('ignore-path-case', 'supported', 'path matches of the Ingress ignore case');
const MATCH_METHOD = annotation('match-method', 'supported', 'routes match only these methods (space-separated)', { higressOnly: true });
const HEADER_MATCHES: Array<[AnnotationDef, HeaderMatch['type']]> = (['exact', 'prefix', 'regex'] as const).map((t) => [
  annotation(`${t}-match-header-`, 'supported', `routes also require the named header to ${t === 'exact' ? 'equal' : t === 'prefix' ? 'start with' : 'match (RE2)'} the value`, { higressOnly: true, family: true }),
  t,
]);
/** HTTP/2 request pseudo-headers Envoy can match a route on (it gives HTTP/1 requests them too). */
const PSEUDO_HEADERS = new Set(['authority', 'method', 'path', 'scheme']);
const PSEUDO_HEADER_MATCHES: Array<[AnnotationDef, HeaderMatch['type']]> = (['exact', 'prefix', 'regex'] as const).map((t) => [
  annotation(
    `${t}-match-pseudo-header-`,
    'supported',
    `routes also require the pseudo-header (\`authority\`, \`method\`, \`path\` with its query string, \`scheme\`) to ${t === 'exact' ? 'equal' : t === 'prefix' ? 'start with' : 'match (RE2)'} the value: an Envoy header match on \`:<name>\`, as in Higress`,
    { higressOnly: true, family: true },
  ),
  t,
]);
const QUERY_MATCHES: Array<[AnnotationDef, QueryMatch['type']]> = (['exact', 'prefix', 'regex'] as const).map((t) => [
  annotation(`${t}-match-query-`, 'supported', `routes also require the named query parameter to ${t === 'exact' ? 'equal' : t === 'prefix' ? 'start with' : 'match (RE2)'} the value`, { higressOnly: true, family: true }),
  t,
]);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export const rewriteGroup: AnnotationGroup<RewriteSettings> = {
  id: 'rewrite',
  annotations: [
    REWRITE_TARGET,
    USE_REGEX,
    FULL_PATH_REGEX,
    REWRITE_PATH,
    UPSTREAM_VHOST,
    IGNORE_PATH_CASE,
    MATCH_METHOD,
    ...HEADER_MATCHES.map(([d]) => d),
    ...PSEUDO_HEADER_MATCHES.map(([d]) => d),
    ...QUERY_MATCHES.map(([d]) => d),
  ],
  parse(a, ctx) {
    const s: RewriteSettings = { headers: [], queryParams: [] };
    const target = a.get(REWRITE_TARGET);
    // Envoy refuses rewrite targets with NUL, CR or LF (its header-safe rule).
    const path = read(a, REWRITE_PATH, ctx, (t) => (!t.startsWith('/') ? { ok: false, message: 'must start with "/"' } : headerSafeProblem(t) ? { ok: false, message: headerSafeProblem(t) as string } : { ok: true, value: t }));
    if (path !== undefined) {
      s.rewritePath = path;
      if (target) ctx.remark(target.key, 'ignored: higress.io/rewrite-path takes precedence');
    } else if (target) {
      const bad = headerSafeProblem(target.value);
      // nginx numbers captures `$1`; RE2 substitutions use `\1`.
      if (bad) ctx.invalid(target.key, bad);
      else s.rewriteTarget = target.value.replace(/\$(\d)/g, '\\$1');
    }
    const useRegex = read(a, USE_REGEX, ctx, bool);
    if (useRegex !== undefined) s.useRegex = useRegex;
    const full = read(a, FULL_PATH_REGEX, ctx, bool);
    if (full !== undefined) s.fullPathRegex = full;
    const vhost = read(a, UPSTREAM_VHOST, ctx, (t) => (/^[A-Za-z0-9.\-:[\]]+$/.test(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be a host name (nginx variables are not supported)' }));
    if (vhost) s.upstreamVhost = vhost;
    const ignoreCase = read(a, IGNORE_PATH_CASE, ctx, bool);
    if (ignoreCase !== undefined) s.ignoreCase = ignoreCase;
    const methods = read(a, MATCH_METHOD, ctx, (t) => {
      const list = [...new Set(t.split(/\s+/).filter(Boolean).map((m) => m.toUpperCase()))];
      const wrong = list.filter((m) => !METHODS.has(m));
      if (list.length === 0) return { ok: false, message: 'must list at least one method' };
      if (wrong.length) return { ok: false, message: `${wrong.join(', ')} ${wrong.length === 1 ? 'is not an HTTP method' : 'are not HTTP methods'}` };
      return { ok: true, value: list };
    });
    if (methods) s.methods = methods;
    for (const [def, type] of HEADER_MATCHES) {
      for (const m of matchFamily(a, def, type, ctx)) s.headers.push({ name: m.name.toLowerCase(), type, value: m.value });
    }
    for (const [def, type] of PSEUDO_HEADER_MATCHES) {
      for (const m of matchFamily(a, def, type, ctx)) {
        const name = m.name.toLowerCase();
        if (PSEUDO_HEADERS.has(name)) s.headers.push({ name: `:${name}`, type, value: m.value });
        else ctx.invalid(m.key, `"${m.name}" is not a request pseudo-header Envoy matches (${[...PSEUDO_HEADERS].join(', ')})`);
      }
    }
    for (const [def, type] of QUERY_MATCHES) {
      for (const m of matchFamily(a, def, type, ctx)) s.queryParams.push({ name: m.name, type, value: m.value });
    }
    return s;
  },
  route(s, route, rc) {
    if (s.upstreamVhost) route.hostRewrite = s.upstreamVhost;
    const rewrite = pathRewrite(s, rc.path, rc.pathType, rc.regex, s.fullPathRegex === true);
    if (rewrite) route.rewrite = rewrite;
  },
};

function matchFamily(a: AnnotationReader, def: AnnotationDef, type: string, ctx: GroupContext): Array<{ name: string; value: string; key: string }> {
  const out: Array<{ name: string; value: string; key: string }> = [];
  for (const m of a.family(def)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m.suffix)) {
      ctx.invalid(m.key, `"${m.suffix}" is not a valid name`);
      continue;
    }
    const problem = type === 'regex' ? regexProblem(m.value) : stringMatchProblem(type as 'exact' | 'prefix', m.value);
    if (problem) ctx.invalid(m.key, problem);
    else out.push({ name: m.suffix, value: m.value, key: m.key });
  }
  return out;
}

/** Whether the Ingress makes every path of its hosts a regex (ingress-nginx enforces this host-wide). */
export function enforcesRegex(s: RewriteSettings | undefined): boolean {
  return s !== undefined && (s.useRegex === true || s.rewriteTarget !== undefined);
}

function pathRewrite(s: RewriteSettings, path: string, pathType: string, isRegex: boolean, full: boolean): PathRewrite | undefined {
  if (s.rewritePath !== undefined) {
    return pathType !== 'Exact' && !isRegex ? { type: 'prefix', value: s.rewritePath } : { type: 'full', value: s.rewritePath };
  }
  if (s.rewriteTarget === undefined) return undefined;
  // nginx replaces the whole URI when the (start-anchored) path regex matches it.
  const body = isRegex ? path : escapeRegex(path);
  const pattern = full ? `^(?:${body})$` : `^(?:${body}).*`;
  // Regex paths match ignoring case (nginx `~*`), so the rewrite must too.
  return { type: 'regex', pattern: isRegex ? caseless(pattern) : pattern, substitution: s.rewriteTarget };
}

