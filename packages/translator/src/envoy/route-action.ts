// RouteAction for forwarded requests: backends, rewrites, timeouts, retries, mirrors, hashing, upgrades.
import { duration } from '@tidegate/envoy-api';
import type { ForwardAction, Route, WeightedBackend } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { headerMutationFields } from './header-mutation';
import { hashPolicies } from './hash-policy';
import { mirrorPolicies } from './mirror';
import { retryPolicy } from './retry';
import { rewriteFields } from './rewrite';
import { liveBackends } from './weighted-backends';

/**
 * Route fields for a forward action: `{ route }`, or when no backend has weight a
 * `direct_response` 500 for Envoy (a proxyless client gets no route at all: undefined).
 */
export function forwardFields(r: Route, action: ForwardAction, target: RouteTarget): EnvoyObject | undefined {
  const backends = liveBackends(action.backends);
  if (backends.length === 0) return target === 'envoy' ? { direct_response: { status: 500 } } : undefined;
  const out: EnvoyObject = clusterSpecifier(backends);
  if (target === 'envoy') Object.assign(out, rewriteFields(r.rewrite, r.match, r.hostRewrite));
  Object.assign(out, timeoutFields(r.timeoutMs, target));
  const retry = retryPolicy(r.retry, target);
  if (retry) out.retry_policy = retry;
  const mirrors = target === 'envoy' ? mirrorPolicies(r.mirrors) : undefined;
  if (mirrors) out.request_mirror_policies = mirrors;
  const hash = hashPolicies(r.hashPolicy);
  if (hash) out.hash_policy = hash;
  // WebSocket upgrades are on for the whole listener; a route can only turn them off.
  if (target === 'envoy' && action.websocket === false) {
    out.upgrade_configs = [{ upgrade_type: 'websocket', enabled: { value: false } }];
  }
  return { route: out };
}

/** One backend without its own header changes is a plain `cluster`; anything else is weighted. */
function clusterSpecifier(backends: WeightedBackend[]): EnvoyObject {
  const only = backends.length === 1 ? backends[0] : undefined;
  if (only && !only.requestHeaders && !only.responseHeaders) return { cluster: only.backend };
  return {
    weighted_clusters: {
      clusters: backends.map((b) => ({
        name: b.backend,
        weight: { value: b.weight },
        ...headerMutationFields(b.requestHeaders, b.responseHeaders),
      })),
    },
  };
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
