// API-key authentication per route (Envoy's api_key_auth): off in the listener's chain, each route carrying its consumers, key sources and allow list.
import { apiKeyAuthCheck, type ApiKeyAuth, type HttpListener, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

/**
 * One api_key_auth filter, disabled: a route without `apiKey` never runs it. It holds nothing
 * itself; every route that switches it on brings the whole setting, so routes governed by
 * different policies on one listener never see each other's consumers.
 */
export function apiKeyAuthFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'apiKey', (r) => r.apiKey !== undefined)) return [];
  return [perRouteFilter(FilterName.ApiKeyAuth, ConfigType.ApiKeyAuth, {})];
}

/**
 * The route's consumers (Envoy `credentials`, key → client), where the key is read (the first
 * source present is checked: 401 when none is, or the key is unknown), the consumers allowed
 * (403 for another), and the header that carries the consumer's name upstream (Envoy replaces
 * a client-sent value). The key itself is forwarded, as Higress's key-auth does.
 */
export function apiKeyAuthPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (!r.apiKey) return undefined;
  return { [FilterName.ApiKeyAuth]: enabledOnRoute(ConfigType.ApiKeyAuthPerRoute, perRouteConfig(r.apiKey)) };
}

function perRouteConfig(a: ApiKeyAuth): EnvoyObject {
  const out: EnvoyObject = {
    credentials: a.credentials.map((c) => ({ key: c.key, client: c.client })),
    key_sources: a.sources.map((s) => ('header' in s ? { header: s.header } : { query: s.query })),
  };
  if (a.allow?.length) out.allowed_clients = a.allow;
  if (a.forwardClientHeader) out.forwarding = { header: a.forwardClientHeader };
  return out;
}

/** The api-key-auth feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const apiKeyAuthFeature: HttpFeature = {
  name: 'api-key-auth',
  phase: 'authn',
  listenerFilters: apiKeyAuthFilters,
  perRoute: apiKeyAuthPerFilterConfig,
  perVirtualHost: { none: 'API keys are set per route' },
  validation: apiKeyAuthCheck,
  references: { none: 'keys are inline in the per-route config (redacted in /debug output): no cluster or secret' },
  goldenCases: ['api-key-auth'],
};
