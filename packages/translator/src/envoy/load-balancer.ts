// Load-balancing policy of a cluster, as the `lb_policy` enum both Envoy and gRPC clients read.
import type { Backend, LoadBalancer } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

type Policy = LoadBalancer['policy'];

/**
 * gRPC clients parse only ROUND_ROBIN and RING_HASH and NACK anything else, so a backend
 * that proxyless clients use falls back to the nearest policy they know.
 */
const PROXYLESS_FALLBACK: Record<Policy, Policy> = {
  'round-robin': 'round-robin',
  'least-request': 'round-robin',
  random: 'round-robin',
  'ring-hash': 'ring-hash',
  maglev: 'ring-hash',
};

/** Cluster fields: `lb_policy` and, for the hashing policies, their (default) settings. */
export function loadBalancerFields(b: Backend, ctx: { proxyless: boolean }): EnvoyObject {
  const wanted = b.loadBalancer?.policy ?? 'round-robin';
  const policy = ctx.proxyless ? PROXYLESS_FALLBACK[wanted] : wanted;
  switch (policy) {
    case 'round-robin':
      return { lb_policy: 'ROUND_ROBIN' };
    case 'least-request':
      return { lb_policy: 'LEAST_REQUEST' };
    case 'random':
      return { lb_policy: 'RANDOM' };
    case 'ring-hash':
      // XX_HASH is the only hash function gRPC clients accept.
      return { lb_policy: 'RING_HASH', ring_hash_lb_config: { hash_function: 'XX_HASH' } };
    case 'maglev':
      return { lb_policy: 'MAGLEV', maglev_lb_config: { table_size: { value: 65537 } } };
  }
}
