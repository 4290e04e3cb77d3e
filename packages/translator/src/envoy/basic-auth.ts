// HTTP basic authentication per route (401 without valid credentials), from htpasswd content.
import type { HttpListener, Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

const SHA_PREFIX = '{SHA}';
/** base64 of a 20-byte SHA-1 digest. */
const SHA_BASE64 = /^[A-Za-z0-9+/]{27}=$/;
/**
 * Envoy insists on at least one user in the listener-wide config, which is never used (the
 * filter runs only on routes with their own users). Nobody can log in as this user: its hash
 * is twenty zero bytes, and no known password hashes to that.
 */
const PLACEHOLDER_USERS = 'tidegate-no-user:{SHA}AAAAAAAAAAAAAAAAAAAAAAAAAAA=';

interface HtpasswdLine {
  /** 1-based line number in the input. */
  line: number;
  text: string;
  problem?: string;
}

/**
 * What is wrong with htpasswd content for Envoy, one message per refused line. Envoy accepts
 * only `user:{SHA}<base64 SHA-1>` lines (blank lines and `#` comments are skipped) and
 * rejects the whole listener over a single bad line, so the translator drops such lines;
 * callers use this to tell the user which ones. Empty means every line is usable.
 */
export function basicAuthProblems(htpasswd: string): string[] {
  return parseHtpasswd(htpasswd)
    .filter((l) => l.problem)
    .map((l) => `line ${l.line}: ${l.problem}`);
}

/** The usable lines only, normalised (no CR, no trailing spaces, no comments), as Envoy reads them. */
export function supportedHtpasswd(htpasswd: string): string {
  return parseHtpasswd(htpasswd)
    .filter((l) => !l.problem)
    .map((l) => l.text)
    .join('\n');
}

function parseHtpasswd(htpasswd: string): HtpasswdLine[] {
  const seen = new Set<string>();
  const out: HtpasswdLine[] = [];
  htpasswd.split('\n').forEach((raw, i) => {
    const text = raw.replace(/\s+$/, '');
    if (text === '' || text.startsWith('#')) return;
    out.push({ line: i + 1, text, problem: lineProblem(text, seen) });
  });
  return out;
}

function lineProblem(text: string, seen: Set<string>): string | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return 'expected "user:password-hash"';
  const user = text.slice(0, colon);
  const hash = text.slice(colon + 1);
  if (user === '' || hash === '') return 'empty user name or password hash';
  if (!hash.startsWith(SHA_PREFIX)) return `user "${user}": ${schemeOf(hash)} hashes are not supported, only {SHA} (htpasswd -s)`;
  if (!SHA_BASE64.test(hash.slice(SHA_PREFIX.length))) return `user "${user}": {SHA} hash is not a base64 SHA-1 digest`;
  // Envoy refuses duplicate users; the first usable entry wins.
  if (seen.has(user)) return `user "${user}" appears more than once (the first entry is kept)`;
  seen.add(user);
  return undefined;
}

function schemeOf(hash: string): string {
  if (hash.startsWith('$apr1$')) return 'Apache MD5 ($apr1$)';
  if (/^\$2[abxy]?\$/.test(hash)) return 'bcrypt';
  if (hash.startsWith('$1$')) return 'MD5-crypt ($1$)';
  if (hash.startsWith('$5$') || hash.startsWith('$6$')) return 'SHA-crypt';
  if (hash.startsWith('{SSHA}')) return 'salted SHA ({SSHA})';
  return 'crypt or plain-text';
}

/** The basic_auth filter, present (and disabled by default) when some route of the listener uses it. */
export function basicAuthFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'basicAuth', (r) => !!r.basicAuth)) return [];
  return [perRouteFilter(FilterName.BasicAuth, ConfigType.BasicAuth, { users: { inline_string: PLACEHOLDER_USERS } })];
}

/**
 * The route's users. Lines Envoy would refuse are dropped; with none left the route lets
 * nobody in (every request gets 401). The realm cannot be set: Envoy always answers
 * `WWW-Authenticate: Basic realm="<request URL>"`, and the bundled BasicAuth proto has no
 * field for it.
 */
export function basicAuthPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (!r.basicAuth) return undefined;
  const users = supportedHtpasswd(r.basicAuth.htpasswd) || PLACEHOLDER_USERS;
  return { [FilterName.BasicAuth]: enabledOnRoute(ConfigType.BasicAuthPerRoute, { users: { inline_string: users } }) };
}

/** The basic-auth feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const basicAuthFeature: HttpFeature = {
  name: 'basic-auth',
  phase: 'authn',
  listenerFilters: basicAuthFilters,
  perRoute: basicAuthPerFilterConfig,
  perVirtualHost: { none: 'basic auth is set per route' },
  validation: { none: 'Envoy accepts only {SHA} htpasswd lines; the translator drops the others, and frontends report them with basicAuthProblems' },
  references: { none: 'users are inline in the config: no cluster or secret' },
  goldenCases: ['basic-auth'],
};
