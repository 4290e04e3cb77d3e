// CORS: the cors HTTP filter on the listener, and a CorsPolicy per virtual host or route.
import { typed } from '@tidegate/envoy-api';
import type { CorsPolicy, HttpListener, VirtualHost } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { collectFromHosts, enabledOnRoute, perRouteFilter } from './per-route-filter';
import { escapeRegex, safeRegex } from './regex';

/**
 * The cors filter, present only when some virtual host or route of the listener has a policy;
 * before it, when some credentialed policy allows `*` methods or headers, a header mutation that
 * echoes what the preflight asked for (it sees the cors filter's preflight answers on the way back).
 */
export function corsFilters(l: HttpListener): HttpFilterPart[] {
  const policies = collectFromHosts(l, 'cors', (vh) => [(vh as VirtualHost).cors, ...vh.routes.map((r) => r.cors)].filter((p): p is CorsPolicy => !!p));
  if (!policies.length) return [];
  const cors = { filter: { name: FilterName.Cors, typed_config: typed(ConfigType.Cors, {}) } };
  return policies.some((p) => echoes(p).length) ? [perRouteFilter(FilterName.CorsEcho, ConfigType.HeaderMutation, {}), cors] : [cors];
}

/** `typed_per_filter_config` carrying a policy (real Envoy only: gRPC clients NACK filters they do not know). */
export function corsPerFilterConfig(p: CorsPolicy | undefined): EnvoyObject | undefined {
  if (!p) return undefined;
  const out: EnvoyObject = { [FilterName.Cors]: corsPolicy(p) };
  const echo = echoes(p);
  if (echo.length) {
    const append = (allow: string, request: string) => ({
      append: { header: { key: allow, value: `%REQ(${request})%` }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    });
    const mutations = echo.map((e) => (e === 'methods' ? append('access-control-allow-methods', 'access-control-request-method') : append('access-control-allow-headers', 'access-control-request-headers')));
    out[FilterName.CorsEcho] = enabledOnRoute(ConfigType.HeaderMutationPerRoute, { mutations: { response_mutations: mutations } });
  }
  return out;
}

/**
 * With credentials a browser reads `*` in Access-Control-Allow-Methods/-Headers as a literal
 * name, so a policy allowing any method or header answers a preflight with exactly what it
 * asked for (Access-Control-Request-Method/-Headers), as Gateway API's CORS filter requires.
 */
function echoes(p: CorsPolicy): Array<'methods' | 'headers'> {
  if (!p.allowCredentials) return [];
  const out: Array<'methods' | 'headers'> = [];
  if (p.allowMethods?.length === 1 && p.allowMethods[0] === '*') out.push('methods');
  if (p.allowHeaders?.length === 1 && p.allowHeaders[0] === '*') out.push('headers');
  return out;
}

function corsPolicy(p: CorsPolicy): EnvoyObject {
  const fields: EnvoyObject = { allow_origin_string_match: p.allowOrigins.map(originMatcher) };
  const echo = echoes(p);
  if (p.allowMethods?.length && !echo.includes('methods')) fields.allow_methods = p.allowMethods.join(',');
  if (p.allowHeaders?.length && !echo.includes('headers')) fields.allow_headers = p.allowHeaders.join(',');
  if (p.exposeHeaders?.length) fields.expose_headers = p.exposeHeaders.join(',');
  if (p.maxAgeSeconds !== undefined) fields.max_age = String(p.maxAgeSeconds);
  if (p.allowCredentials !== undefined) fields.allow_credentials = { value: p.allowCredentials };
  // A preflight from an origin the policy does not allow is answered here (without CORS
  // headers), not passed to the backend: Gateway API's CORS filter owns every preflight.
  fields.forward_not_matching_preflights = { value: false };
  return typed(ConfigType.CorsPolicy, fields);
}

/**
 * `*` allows any origin; `*.example.com` (optionally with a scheme) allows any subdomain;
 * anything else is an exact origin. The Origin header always carries a scheme, so a
 * wildcard written without one accepts any scheme.
 */
function originMatcher(origin: string): EnvoyObject {
  if (origin === '*') return { safe_regex: safeRegex('.*') };
  if (!origin.includes('*')) return { exact: origin };
  const scheme = origin.includes('://') ? '' : '[a-zA-Z][a-zA-Z0-9+.-]*://';
  const host = origin.split('*').map(escapeRegex).join('[a-zA-Z0-9.-]+');
  return { safe_regex: safeRegex(`^${scheme}${host}$`) };
}

/** The cors feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const corsFeature: HttpFeature = {
  name: 'cors',
  phase: 'cors',
  listenerFilters: corsFilters,
  perRoute: (r) => corsPerFilterConfig(r.cors),
  perVirtualHost: { perFilterConfig: (vh) => corsPerFilterConfig(vh.cors) },
  validation: { none: 'every origin, method and header string is valid IR; origins become matchers built by the translator' },
  references: { none: 'no cluster or secret' },
  goldenCases: ['cors', 'cors-credentials-wildcard'],
};
