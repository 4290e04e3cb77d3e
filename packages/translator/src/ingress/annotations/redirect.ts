// Redirects: http→https (ssl-redirect, force-ssl-redirect), permanent and temporary redirects, app-root.
import type { RedirectAction } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { bool, read, type Parsed } from './values';

export interface RedirectSettings {
  /** false turns the default http→https redirect of TLS hosts off. */
  sslRedirect?: boolean;
  /** Redirect to https even when the host has no TLS. */
  forceSslRedirect?: boolean;
  /** The annotation key force-ssl-redirect was read from (errors name it). */
  forceSslRedirectKey?: string;
  /** Every path of the Ingress answers with this redirect. */
  redirect?: Omit<RedirectAction, 'kind'>;
  /** `/` redirects here (302). */
  appRoot?: string;
}

type Code = RedirectAction['statusCode'];
const CODES: readonly number[] = [301, 302, 303, 307, 308];

const SSL_REDIRECT = annotation('ssl-redirect', 'supported', 'on the HTTP listener, paths of hosts with TLS answer 308 to https on the HTTPS port (default true for TLS hosts); "false" serves them over HTTP', {
  limits: 'a host whose spec.tls Secret is missing is served on http, not redirected (ingress-nginx redirects it to its default certificate; Tidegate has none)',
});
const FORCE_SSL_REDIRECT = annotation('force-ssl-redirect', 'supported', 'the 308 redirect to https also for hosts without TLS', {
  limits: 'only while some Ingress has a usable certificate: otherwise there is no HTTPS listener, so the paths are served on http and an error says why',
});
const PERMANENT = annotation('permanent-redirect', 'partly', 'the paths answer a redirect to this URL (301 by default)', {
  limits: 'when the URL has no query string, the request\'s query string is kept (nginx `return` drops it); the IR has no strip-query',
});
const PERMANENT_CODE = annotation('permanent-redirect-code', 'supported', 'status of permanent-redirect: 301, 302, 303, 307 or 308');
const TEMPORAL = annotation('temporal-redirect', 'partly', 'the paths answer a redirect to this URL (302 by default; wins over permanent-redirect)', {
  limits: 'when the URL has no query string, the request\'s query string is kept (nginx `return` drops it); the IR has no strip-query',
});
const TEMPORAL_CODE = annotation('temporal-redirect-code', 'supported', 'status of temporal-redirect: 301, 302, 303, 307 or 308');
const APP_ROOT = annotation('app-root', 'supported', 'requests for exactly `/` on the Ingress\'s hosts answer 302 to this path');

function code(text: string): Parsed<Code> {
  const n = Number(text.trim());
  return CODES.includes(n) ? { ok: true, value: n as Code } : { ok: false, message: 'must be 301, 302, 303, 307 or 308' };
}

/** An absolute http(s) URL as redirect fields. */
export function redirectUrl(text: string): Parsed<Omit<RedirectAction, 'kind' | 'statusCode'>> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, message: 'must be an absolute URL such as "https://example.com/path"' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'must be an http:// or https:// URL' };
  if (text.includes('$')) return { ok: false, message: 'nginx variables are not supported' };
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  return {
    ok: true,
    value: {
      scheme,
      host: url.hostname,
      port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80,
      path: { type: 'full', value: `${url.pathname}${url.search}` },
    },
  };
}

export const redirectGroup: AnnotationGroup<RedirectSettings> = {
  id: 'redirect',
  annotations: [SSL_REDIRECT, FORCE_SSL_REDIRECT, PERMANENT, PERMANENT_CODE, TEMPORAL, TEMPORAL_CODE, APP_ROOT],
  parse(a, ctx) {
    const s: RedirectSettings = {};
    const ssl = read(a, SSL_REDIRECT, ctx, bool);
    if (ssl !== undefined) s.sslRedirect = ssl;
    const force = read(a, FORCE_SSL_REDIRECT, ctx, bool);
    if (force !== undefined) {
      s.forceSslRedirect = force;
      s.forceSslRedirectKey = a.get(FORCE_SSL_REDIRECT)?.key;
    }
    const permanent = read(a, PERMANENT, ctx, redirectUrl);
    const permanentCode = read(a, PERMANENT_CODE, ctx, code) ?? 301;
    const temporal = read(a, TEMPORAL, ctx, redirectUrl);
    const temporalCode = read(a, TEMPORAL_CODE, ctx, code) ?? 302;
    if (temporal) {
      s.redirect = { ...temporal, statusCode: temporalCode };
      const p = a.get(PERMANENT);
      if (p) ctx.remark(p.key, 'ignored: temporal-redirect takes precedence');
    } else if (permanent) s.redirect = { ...permanent, statusCode: permanentCode };
    const root = read(a, APP_ROOT, ctx, (t) => (/^\/[^\s$]*$/.test(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be a path starting with "/"' }));
    if (root) s.appRoot = root;
    return Object.keys(s).length ? s : undefined;
  },
};
