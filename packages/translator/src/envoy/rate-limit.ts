// Local rate limits per route (429 when exceeded): one token bucket for the route, or one per client IP.
import { duration } from '@tidegate/envoy-api';
import { rateLimitCheck, type HttpListener, type RateLimit, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

const ALWAYS = { default_value: { numerator: 100, denominator: 'HUNDRED' } };
const PERIOD_MS: Record<RateLimit['per'], number> = { second: 1000, minute: 60_000 };
/** Envoy rejects token buckets refilled more often than this. */
const MIN_FILL_INTERVAL_MS = 50;
/** Descriptor key the `remote_address` rate limit action produces. */
const CLIENT_KEY = 'remote_address';

/** The local_ratelimit filter, present (and disabled by default) when some route of the listener is limited. */
export function rateLimitFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'rateLimit', (r) => !!r.rateLimit)) return [];
  return [perRouteFilter(FilterName.LocalRateLimit, ConfigType.LocalRateLimit, { stat_prefix: 'http_local_rate_limit' })];
}

/**
 * A token bucket holding `burst` (default `requests`) tokens, refilled at `requests` tokens
 * per second or minute; each request takes one. The bucket is per route and per Envoy
 * process (shared by its workers).
 *
 * `perClient` uses Envoy's dynamic descriptors: a descriptor entry without a value matches
 * any client address and gets its own bucket, and the default bucket is then not consumed.
 * Limitation: Envoy keeps at most `max_dynamic_descriptors` client buckets per route in an
 * LRU cache (default 20), and that field is missing from the API protos bundled with
 * @grpc/grpc-js-xds, so it cannot be raised here. With more active clients than that, an
 * evicted client comes back to a full bucket, so the per-client limit is looser than
 * configured under many concurrent clients.
 */
export function rateLimitPerFilterConfig(r: Route): EnvoyObject | undefined {
  const rl = r.rateLimit;
  if (!rl) return undefined;
  const bucket = tokenBucket(rl);
  const config: EnvoyObject = { stat_prefix: r.name, token_bucket: bucket, filter_enabled: ALWAYS, filter_enforced: ALWAYS };
  if (rl.perClient && r.action.kind === 'forward') {
    config.descriptors = [{ entries: [{ key: CLIENT_KEY }], token_bucket: bucket }];
    config.always_consume_default_token_bucket = { value: false };
  }
  return { [FilterName.LocalRateLimit]: enabledOnRoute(ConfigType.LocalRateLimit, config) };
}

/**
 * `RouteAction.rate_limits` producing the client-address descriptor for `perClient`. Only
 * forward routes have a RouteAction: on redirect and direct-response routes a per-client
 * limit falls back to one bucket for the route.
 */
export function rateLimitActions(r: Route): EnvoyObject[] | undefined {
  if (!r.rateLimit?.perClient) return undefined;
  // `remote_address` is the trusted client address, after X-Forwarded-For processing.
  return [{ actions: [{ remote_address: {} }] }];
}

/**
 * Refills evenly over the period (like nginx's limit_req) rather than all at once: with a
 * burst below `requests`, a once-per-period refill would be capped at the bucket size and
 * admit only `burst` per period. Envoy refills at most every 50 ms, so fast rates add
 * several tokens per refill; the bucket is never smaller than one refill, or the cap would
 * again lower the rate.
 */
function tokenBucket(rl: RateLimit): EnvoyObject {
  const period = PERIOD_MS[rl.per];
  const perFill = Math.max(1, Math.ceil((rl.requests * MIN_FILL_INTERVAL_MS) / period));
  return {
    max_tokens: Math.max(rl.burst ?? rl.requests, perFill),
    tokens_per_fill: { value: perFill },
    fill_interval: duration((period * perFill) / rl.requests),
  };
}

/** The rate-limit feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const rateLimitFeature: HttpFeature = {
  name: 'rate-limit',
  phase: 'rate-limit',
  listenerFilters: rateLimitFilters,
  perRoute: rateLimitPerFilterConfig,
  perVirtualHost: { none: 'limits are set per route' },
  validation: rateLimitCheck,
  references: { none: 'local token buckets: no rate-limit service, no cluster or secret' },
  goldenCases: ['rate-limits'],
};
