// External authentication per route: an HTTP auth service decides (2xx lets the request through).
import { createHash } from 'node:crypto';
import { duration } from '@tidegate/envoy-api';
import { externalAuthCheck, type ExternalAuth, type HttpListener, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, collectFromHosts } from './per-route-filter';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The auth service, its path prefix, timeout and header lists all live in the ext_authz
 * filter's own config (the per-route config cannot change them), so each distinct
 * configuration gets its own filter instance, disabled by default and switched on by the
 * routes that use it. The name is derived from the configuration alone, so it does not
 * shift when other routes change.
 */
export function extAuthzFilterName(a: ExternalAuth): string {
  const digest = createHash('sha256').update(JSON.stringify(extAuthzConfig(a))).digest('hex').slice(0, 8);
  return `${FilterName.ExtAuthz}.${a.backend}.${digest}`;
}

/**
 * Filters for the listener: a header strip ahead of the auth filters (see
 * `externalAuthPerFilterConfig`), then one ext_authz per distinct configuration, in the order
 * routes first use them.
 */
export function externalAuthFilters(l: HttpListener): HttpFilterPart[] {
  const auths = collectFromHosts(l, 'externalAuth', (vh) => vh.routes.flatMap((r) => (r.externalAuth ? [r.externalAuth] : [])));
  if (auths.length === 0) return [];
  const parts: HttpFilterPart[] = [];
  if (auths.some((a) => a.responseHeadersToUpstream?.length)) {
    parts.push(perRouteFilter(FilterName.AuthHeaderStrip, ConfigType.HeaderMutation, {}));
  }
  const byName = new Map(auths.map((a) => [extAuthzFilterName(a), a]));
  for (const [name, a] of byName) parts.push(perRouteFilter(name, ConfigType.ExtAuthz, extAuthzConfig(a)));
  return parts;
}

/**
 * Switches the route's auth filter on. Headers the auth service may hand to the backend are
 * first removed from the client's request: Envoy copies them only when the auth response
 * carries them, so without the strip a client could send its own `x-auth-user`.
 */
export function externalAuthPerFilterConfig(r: Route): EnvoyObject | undefined {
  const a = r.externalAuth;
  if (!a) return undefined;
  const out: EnvoyObject = {};
  if (a.responseHeadersToUpstream?.length) {
    const strip = { mutations: { request_mutations: a.responseHeadersToUpstream.map((h) => ({ remove: h.toLowerCase() })) } };
    out[FilterName.AuthHeaderStrip] = enabledOnRoute(ConfigType.HeaderMutationPerRoute, strip);
  }
  out[extAuthzFilterName(a)] = enabledOnRoute(ConfigType.ExtAuthzPerRoute, { check_settings: {} });
  return out;
}

/**
 * An ext_authz HTTP service config. The check request carries the original method, path
 * (after `pathPrefix`) and Envoy's default headers (Host, Authorization, ...) plus
 * `allowedRequestHeaders`, without the body. A 2xx answer lets the request through with
 * `responseHeadersToUpstream` copied onto it; any other answer goes back to the client with
 * its status, headers and body. If the service cannot be reached or times out the client
 * gets 500 (Envoy's default would be 403).
 */
function extAuthzConfig(a: ExternalAuth): EnvoyObject {
  // Envoy sends the check to `cluster`; the URI is informational and must be well formed.
  const uri = `http://${a.backend.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
  const service: EnvoyObject = { server_uri: { uri, cluster: a.backend, timeout: duration(a.timeoutMs ?? DEFAULT_TIMEOUT_MS) } };
  if (a.pathPrefix) service.path_prefix = a.pathPrefix;
  if (a.responseHeadersToUpstream?.length) {
    service.authorization_response = { allowed_upstream_headers: headerList(a.responseHeadersToUpstream) };
  }
  const config: EnvoyObject = { http_service: service, status_on_error: { code: 'InternalServerError' } };
  if (a.allowedRequestHeaders?.length) config.allowed_headers = headerList(a.allowedRequestHeaders);
  return config;
}

/** A `ListStringMatcher` of exact header names (header names are case-insensitive). */
function headerList(names: string[]): EnvoyObject {
  return { patterns: names.map((n) => ({ exact: n.toLowerCase(), ignore_case: true })) };
}

/** The external-auth feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const externalAuthFeature: HttpFeature = {
  name: 'external-auth',
  phase: 'authn',
  listenerFilters: externalAuthFilters,
  perRoute: externalAuthPerFilterConfig,
  perVirtualHost: { none: 'external auth is set per route' },
  validation: externalAuthCheck,
  references: [
    {
      configType: ConfigType.ExtAuthz,
      refs: (o) => {
        const service = o.http_service as { server_uri?: { cluster?: unknown } } | undefined;
        return service?.server_uri ? [{ kind: 'cluster', name: service.server_uri.cluster, path: 'http_service.server_uri.cluster' }] : [];
      },
    },
  ],
  goldenCases: ['external-auth'],
};
