// CORS: enable-cors and its settings, with ingress-nginx's defaults, as a route CORS policy.
import { headerNameProblem, type CorsPolicy } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { bool, integer, list, read, type Parsed } from './values';

const DEFAULT_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];
const DEFAULT_HEADERS = ['DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization'];
const DEFAULT_MAX_AGE = 1_728_000;

const ENABLE = annotation('enable-cors', 'supported', 'a CORS policy on the Ingress\'s routes (Envoy\'s cors filter answers preflights and adds the response headers)');
const ALLOW_ORIGIN = annotation('cors-allow-origin', 'supported', 'allowed origins, comma-separated: `*`, exact origins, `https://*.example.com` wildcards; an origin without a scheme allows http and https (default `*`; Envoy echoes the matching Origin back)');
const ALLOW_METHODS = annotation('cors-allow-methods', 'supported', 'Access-Control-Allow-Methods (default GET, PUT, POST, DELETE, PATCH, OPTIONS)');
const ALLOW_HEADERS = annotation('cors-allow-headers', 'supported', 'Access-Control-Allow-Headers (default as ingress-nginx)');
const EXPOSE_HEADERS = annotation('cors-expose-headers', 'supported', 'Access-Control-Expose-Headers');
const ALLOW_CREDENTIALS = annotation('cors-allow-credentials', 'supported', 'Access-Control-Allow-Credentials (default true)');
const MAX_AGE = annotation('cors-max-age', 'supported', 'Access-Control-Max-Age in seconds (default 1728000)');

const ORIGIN = /^(\*|([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?(\*\.)?[a-zA-Z0-9.-]+(:\d+)?)$/;

function origins(text: string): Parsed<string[]> {
  const items = list(text);
  if (items.length === 0) return { ok: false, message: 'must list at least one origin' };
  const wrong = items.filter((o) => !ORIGIN.test(o));
  if (wrong.length) return { ok: false, message: `${wrong.map((w) => `"${w}"`).join(', ')} not an origin such as "https://example.com" or "https://*.example.com"` };
  // The Origin header always has a scheme: an origin written without one means either.
  return { ok: true, value: items.flatMap((o) => (o === '*' || o.includes('://') || o.startsWith('*.') ? [o] : [`http://${o}`, `https://${o}`])) };
}

// The names end up in a response header value: Envoy's header rule applies.
const names = (text: string): Parsed<string[]> => {
  const items = list(text);
  const bad = items.map((n) => headerNameProblem(n) && `${JSON.stringify(n)} ${headerNameProblem(n)}`).find(Boolean);
  if (bad) return { ok: false, message: bad };
  return items.length ? { ok: true, value: items } : { ok: false, message: 'must not be empty' };
};

export const corsGroup: AnnotationGroup<CorsPolicy> = {
  id: 'cors',
  annotations: [ENABLE, ALLOW_ORIGIN, ALLOW_METHODS, ALLOW_HEADERS, EXPOSE_HEADERS, ALLOW_CREDENTIALS, MAX_AGE],
  parse(a, ctx) {
    if (read(a, ENABLE, ctx, bool) !== true) {
      for (const def of [ALLOW_ORIGIN, ALLOW_METHODS, ALLOW_HEADERS, EXPOSE_HEADERS, ALLOW_CREDENTIALS, MAX_AGE]) {
        const found = a.get(def);
        if (found) ctx.remark(found.key, 'ignored: enable-cors is not "true"');
      }
      return undefined;
    }
    const policy: CorsPolicy = {
      allowOrigins: read(a, ALLOW_ORIGIN, ctx, origins) ?? ['*'],
      allowMethods: (read(a, ALLOW_METHODS, ctx, names) ?? DEFAULT_METHODS).map((m) => m.toUpperCase()),
      allowHeaders: read(a, ALLOW_HEADERS, ctx, names) ?? DEFAULT_HEADERS,
      allowCredentials: read(a, ALLOW_CREDENTIALS, ctx, bool) ?? true,
      maxAgeSeconds: read(a, MAX_AGE, ctx, integer(0, 2 ** 31 - 1)) ?? DEFAULT_MAX_AGE,
    };
    const expose = read(a, EXPOSE_HEADERS, ctx, names);
    if (expose) policy.exposeHeaders = expose;
    return policy;
  },
  route(policy, route) {
    route.cors = policy;
  },
};
