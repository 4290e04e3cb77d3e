// Request body size limits (413 above them) via the buffer filter: per listener and per route.
import { typed } from '@tidegate/envoy-api';
import { bodyLimitCheck, type HttpListener, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

const UINT32_MAX = 0xffffffff;

/** Envoy needs 1..2^32-1; a limit of 0 still lets an empty body through, as 1 does. */
const envoyLimit = (bytes: number): number => Math.min(Math.max(1, Math.floor(bytes)), UINT32_MAX);

/**
 * The buffer filter holds the whole body before forwarding, so it runs only where a limit is
 * set. With a listener limit it is on for every route (a route's own limit replaces it);
 * with route limits only, it is disabled by default and switched on by those routes, so
 * other routes stream uploads straight through. WebSocket streams never end, so they skip it.
 */
export function bodyLimitFilters(l: HttpListener): HttpFilterPart[] {
  if (l.maxRequestBodyBytes !== undefined) {
    const config = { max_request_bytes: { value: envoyLimit(l.maxRequestBodyBytes) } };
    return [{ filter: { name: FilterName.Buffer, typed_config: typed(ConfigType.Buffer, config) }, skipOnUpgrade: true }];
  }
  if (!someRoute(l, 'maxRequestBodyBytes', (r) => r.maxRequestBodyBytes !== undefined)) return [];
  // The listener-wide value is never used: the filter only runs where a route sets its own.
  return [perRouteFilter(FilterName.Buffer, ConfigType.Buffer, { max_request_bytes: { value: UINT32_MAX } }, { skipOnUpgrade: true })];
}

/** `typed_per_filter_config` entry for a route's own limit. */
export function bodyLimitPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (r.maxRequestBodyBytes === undefined) return undefined;
  return {
    [FilterName.Buffer]: enabledOnRoute(ConfigType.BufferPerRoute, { buffer: { max_request_bytes: { value: envoyLimit(r.maxRequestBodyBytes) } } }),
  };
}

/** The body-limit feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const bodyLimitFeature: HttpFeature = {
  name: 'body-limit',
  phase: 'buffer',
  listenerFilters: bodyLimitFilters,
  perRoute: bodyLimitPerFilterConfig,
  perVirtualHost: { none: 'limits are set per listener or route' },
  validation: bodyLimitCheck,
  references: { none: 'no cluster or secret' },
  goldenCases: ['body-limit', 'route-body-limits'],
};
