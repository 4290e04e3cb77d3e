// CORS: the cors HTTP filter on the listener, and a CorsPolicy per virtual host or route.
import { typed } from '@tidegate/envoy-api';
import type { CorsPolicy, HttpListener } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFilterPart } from './http-filters';
import { escapeRegex, safeRegex } from './regex';

/** The cors filter, present only when some virtual host or route of the listener has a policy. */
export function corsFilters(l: HttpListener): HttpFilterPart[] {
  const used = l.virtualHosts.some((vh) => vh.cors || vh.routes.some((r) => r.cors));
  return used ? [{ filter: { name: FilterName.Cors, typed_config: typed(ConfigType.Cors, {}) } }] : [];
}

/** `typed_per_filter_config` carrying a policy (gRPC clients NACK filters they do not know). */
export function corsPerFilterConfig(p: CorsPolicy | undefined, target: RouteTarget): EnvoyObject | undefined {
  if (!p || target !== 'envoy') return undefined;
  return { [FilterName.Cors]: corsPolicy(p) };
}

function corsPolicy(p: CorsPolicy): EnvoyObject {
  const fields: EnvoyObject = { allow_origin_string_match: p.allowOrigins.map(originMatcher) };
  if (p.allowMethods?.length) fields.allow_methods = p.allowMethods.join(',');
  if (p.allowHeaders?.length) fields.allow_headers = p.allowHeaders.join(',');
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
