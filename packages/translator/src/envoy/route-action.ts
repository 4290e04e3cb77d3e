// RouteAction for forwarded requests: backends (and invalid shares), rewrites, timeouts, retries,
// mirrors, hashing, rate-limit descriptors, upgrades.
import { duration } from '@tidegate/envoy-api';
import type { ForwardAction, Route, WeightedBackend } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { headerMutationFields } from './header-mutation';
import { hashPolicies } from './hash-policy';
import { mirrorPolicies } from './mirror';
import { rateLimitActions } from './rate-limit';
import { retryPolicy } from './retry';
import { rewriteFields } from './rewrite';
import { INVALID_BACKEND_CLUSTER, liveBackends } from './weighted-backends';

/**
 * Route fields for a forward action: `{ route }`, or when no backend has weight a
 * `direct_response` 500 for Envoy (a proxyless client gets no route at all: undefined).
 */
export function forwardFields(r: Route, action: ForwardAction, target: RouteTarget): EnvoyObject | undefined {
  const backends = liveBackends(action.backends);
  if (backends.length === 0) return target === 'envoy' ? { direct_response: { status: 500 } } : undefined;
  // Proxyless clients never see the invalid share: they would wait for a cluster that never comes.
  const invalidWeight = target === 'envoy' ? Math.floor(action.invalidWeight ?? 0) : 0;
  const out: EnvoyObject = clusterSpecifier(backends, invalidWeight, action.invalidStatus ?? 500);
  if (target === 'envoy') Object.assign(out, rewriteFields(r.rewrite, r.match, r.hostRewrite));
  Object.assign(out, timeoutFields(r.timeoutMs, target));
  if (target === 'envoy' && r.idleTimeoutMs !== undefined) out.idle_timeout = duration(r.idleTimeoutMs);
  const retry = retryPolicy(r.retry, target);
  if (retry) out.retry_policy = retry;
  const mirrors = target === 'envoy' ? mirrorPolicies(r.mirrors) : undefined;
  if (mirrors) out.request_mirror_policies = mirrors;
  const hash = hashPolicies(r.hashPolicy);
  if (hash) out.hash_policy = hash;
  const rateLimits = target === 'envoy' ? rateLimitActions(r) : undefined;
  if (rateLimits) out.rate_limits = rateLimits;
  // WebSocket upgrades are on for the whole listener; a route can only turn them off.
  if (target === 'envoy' && action.websocket === false) {
    out.upgrade_configs = [{ upgrade_type: 'websocket', enabled: { value: false } }];
  }
  return { route: out };
}

/** Envoy's `cluster_not_found_response_code` for each status an invalid share may answer. */
const NOT_FOUND_CODE: Record<500 | 503, string> = { 500: 'INTERNAL_SERVER_ERROR', 503: 'SERVICE_UNAVAILABLE' };

/**
 * One backend without its own header changes is a plain `cluster`; anything else is weighted.
 * An invalid share is a weighted entry naming a cluster that is never defined: Envoy answers
 * the requests it picks with `cluster_not_found_response_code` (500, or 503 which a gRPC
 * request receives as a trailers-only `grpc-status: 14` UNAVAILABLE local reply).
 */
function clusterSpecifier(backends: WeightedBackend[], invalidWeight: number, invalidStatus: 500 | 503): EnvoyObject {
  const only = backends.length === 1 ? backends[0] : undefined;
  if (only && !only.requestHeaders && !only.responseHeaders && invalidWeight <= 0) return { cluster: only.backend };
  const clusters: EnvoyObject[] = backends.map((b) => ({
    name: b.backend,
    weight: { value: b.weight },
    ...headerMutationFields(b.requestHeaders, b.responseHeaders),
  }));
  if (invalidWeight <= 0) return { weighted_clusters: { clusters } };
  clusters.push({ name: INVALID_BACKEND_CLUSTER, weight: { value: invalidWeight } });
  return { weighted_clusters: { clusters }, cluster_not_found_response_code: NOT_FOUND_CODE[invalidStatus] };
}

/**
 * Envoy's `timeout` covers the whole request including retries (0 disables the 15 s default).
 * gRPC clients read `max_stream_duration` instead, where 0 means "the caller's deadline".
 */
function timeoutFields(timeoutMs: number | undefined, target: RouteTarget): EnvoyObject {
  if (timeoutMs === undefined) return {};
  if (target === 'envoy') return { timeout: duration(timeoutMs) };
  return { max_stream_duration: { max_stream_duration: duration(timeoutMs) } };
}
