// Authentication: basic auth from an htpasswd Secret, and external auth (auth-url) as an auth service backend.
import type { BasicAuth, ExternalAuth } from '@tidegate/ir';
import { basicAuthProblems, supportedHtpasswd } from '../../envoy/basic-auth';
import { annotation, type AnnotationGroup } from './annotation';
import { list, objectRef, read, type Parsed } from './values';

export interface AuthSettings {
  /** Only the users Envoy can check; none left means nobody gets in (the Envoy side fails closed). */
  basic?: BasicAuth;
  external?: ExternalAuth;
}

const AUTH_TYPE = annotation('auth-type', 'supported', '"basic": HTTP basic auth on the Ingress\'s routes (401 without valid credentials)', { limits: '"digest" is not supported (an error)' });
const AUTH_SECRET = annotation('auth-secret', 'supported', '`namespace/name` Secret with htpasswd content under `auth` (or user → hash entries with auth-secret-type: auth-map)', {
  limits: 'Envoy checks only {SHA} hashes (htpasswd -s): users with other schemes (bcrypt, APR1-MD5, crypt) are left out and reported (partly supported); with none left every request gets 401',
});
const AUTH_SECRET_TYPE = annotation('auth-secret-type', 'supported', 'auth-file (default: htpasswd under `auth`) or auth-map (one key per user)');
const AUTH_REALM = annotation('auth-realm', 'partly', 'kept in the IR', { limits: 'Envoy\'s basic_auth always answers `WWW-Authenticate: Basic realm="<request URL>"`; the realm cannot be set' });
const AUTH_URL = annotation('auth-url', 'partly', 'external auth: a backend made from the URL\'s host and port (a Service for `svc.ns.svc[.cluster.local]`, an IP, or DNS); a 2xx answer lets the request through, any other answer goes back to the client', {
  limits: 'the auth request\'s path is the URL\'s path followed by the original path, with the original method (ingress-nginx sends the URL as written, with X-Original-URL / X-Original-Method); query strings and nginx variables in the URL are not supported',
});
const AUTH_RESPONSE_HEADERS = annotation('auth-response-headers', 'supported', 'headers of the auth answer copied onto the upstream request');
const AUTH_UNSUPPORTED = [
  annotation('auth-method', 'unsupported', 'the auth request keeps the original method'),
  annotation('auth-signin', 'unsupported', 'the IR cannot redirect unauthenticated requests to a sign-in page'),
  annotation('auth-signin-redirect-param', 'unsupported', 'depends on auth-signin'),
  annotation('auth-snippet', 'unsupported', 'raw nginx configuration cannot be translated'),
  annotation('auth-cache-key', 'unsupported', 'Envoy does not cache auth answers'),
  annotation('auth-cache-duration', 'unsupported', 'Envoy does not cache auth answers'),
  annotation('auth-proxy-set-headers', 'unsupported', 'the IR cannot add headers to the auth request'),
  annotation('auth-request-redirect', 'unsupported', 'the IR cannot set X-Auth-Request-Redirect'),
  annotation('auth-always-set-cookie', 'unsupported', 'the IR cannot pass auth cookies on failed requests'),
  annotation('auth-keepalive', 'unsupported', 'Envoy manages auth connections itself'),
  annotation('auth-keepalive-requests', 'unsupported', 'Envoy manages auth connections itself'),
  annotation('auth-keepalive-timeout', 'unsupported', 'Envoy manages auth connections itself'),
  annotation('auth-keepalive-share-vars', 'unsupported', 'Envoy manages auth connections itself'),
];
const GLOBAL_AUTH = annotation('enable-global-auth', 'supported', 'no effect: Tidegate has no global external auth');

function authUrl(text: string): Parsed<{ tls: boolean; host: string; port: number; path: string }> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, message: 'must be an absolute http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'must be an http:// or https:// URL' };
  if (text.includes('$') || url.search) return { ok: false, message: 'query strings and nginx variables are not supported' };
  const tls = url.protocol === 'https:';
  return { ok: true, value: { tls, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : tls ? 443 : 80, path: url.pathname } };
}

export const authGroup: AnnotationGroup<AuthSettings> = {
  id: 'auth',
  annotations: [AUTH_TYPE, AUTH_SECRET, AUTH_SECRET_TYPE, AUTH_REALM, AUTH_URL, AUTH_RESPONSE_HEADERS, ...AUTH_UNSUPPORTED, GLOBAL_AUTH],
  parse(a, ctx) {
    const s: AuthSettings = {};
    const type = read(a, AUTH_TYPE, ctx, (t) =>
      t.trim() === 'basic' ? { ok: true, value: 'basic' } : { ok: false, message: t.trim() === 'digest' ? 'digest auth is not supported' : 'must be "basic"' },
    );
    const secretFound = a.get(AUTH_SECRET);
    const ref = read(a, AUTH_SECRET, ctx, objectRef(ctx.namespace));
    const secretType = read(a, AUTH_SECRET_TYPE, ctx, (t) => (['auth-file', 'auth-map'].includes(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be auth-file or auth-map' })) ?? 'auth-file';
    if (type === 'basic' && secretFound && ref) {
      const data = ctx.lookups.secretData(ref.namespace, ref.name);
      if (!data.ok) ctx.broken(secretFound.key, data.message);
      else {
        const content = secretType === 'auth-map' ? Object.entries(data.data).map(([u, h]) => `${u}:${h.trim()}`).join('\n') : data.data['auth'];
        if (content === undefined) ctx.broken(secretFound.key, `Secret ${ref.namespace}/${ref.name} has no "auth" key`);
        else {
          const problems = basicAuthProblems(content);
          if (problems.length) ctx.remark(secretFound.key, `left out: ${problems.join('; ')}`, true);
          const usable = supportedHtpasswd(content);
          if (!usable) ctx.remark(secretFound.key, 'no usable user is left: every request gets 401', true);
          s.basic = { htpasswd: usable };
          const realm = a.get(AUTH_REALM);
          if (realm) s.basic.realm = realm.value;
        }
      }
    } else if (type === 'basic' && !secretFound) {
      ctx.broken((a.get(AUTH_TYPE) as { key: string }).key, 'basic auth needs auth-secret');
    } else if (secretFound && type !== 'basic') {
      ctx.remark(secretFound.key, 'ignored: auth-type is not "basic"');
    }
    const url = read(a, AUTH_URL, ctx, authUrl);
    const urlFound = a.get(AUTH_URL);
    if (url && urlFound) {
      const r = ctx.lookups.hostBackend(url.host, url.port, url.tls);
      if (!r.ok) ctx.broken(urlFound.key, r.message);
      else {
        ctx.need({ backend: r.backend });
        for (const secret of r.secrets) ctx.need({ secret });
        s.external = { backend: r.backend.name };
        if (url.path && url.path !== '/') s.external.pathPrefix = url.path;
        const headers = read(a, AUTH_RESPONSE_HEADERS, ctx, (t) => (list(t).length ? { ok: true, value: list(t) } : { ok: false, message: 'must name at least one header' }));
        if (headers?.length) s.external.responseHeadersToUpstream = headers;
      }
    }
    return Object.keys(s).length ? s : undefined;
  },
  route(s, route) {
    if (s.basic) route.basicAuth = s.basic;
    if (s.external) route.externalAuth = s.external;
  },
};
