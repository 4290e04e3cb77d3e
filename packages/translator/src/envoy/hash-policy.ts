// Consistent-hash inputs for ring-hash and maglev backends.
import { duration } from '@tidegate/envoy-api';
import type { HashPolicy } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

/** `RouteAction.hash_policy` entries, in order (Envoy combines them). */
export function hashPolicies(list: HashPolicy[] | undefined): EnvoyObject[] | undefined {
  if (!list?.length) return undefined;
  return list.map((h): EnvoyObject => {
    switch (h.type) {
      case 'header':
        return { header: { header_name: h.name } };
      case 'cookie': {
        const cookie: EnvoyObject = { name: h.name };
        // With a ttl Envoy sets the cookie when the client has none (0 = session cookie).
        if (h.ttlSeconds !== undefined) cookie.ttl = duration(h.ttlSeconds * 1000);
        if (h.path) cookie.path = h.path;
        return { cookie };
      }
      case 'source-ip':
        return { connection_properties: { source_ip: true } };
      case 'query':
        return { query_parameter: { name: h.name } };
    }
  });
}
