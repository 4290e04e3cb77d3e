// Small Envoy resources for tests, encoded with the real strict encoder.
import { formatIssues } from '@tidegate/common';
import { type EncodedResource, type ResourceSet, TypeUrl, duration, encodeResource, socketAddress, typed } from '@tidegate/envoy-api';

function must(typeUrl: string, name: string, object: unknown): EncodedResource {
  const r = encodeResource(typeUrl, name, object);
  if (!r.ok) throw new Error(`test resource ${name} does not encode: ${formatIssues(r.issues)}`);
  return r.value;
}

/** An EDS cluster fed over ADS; a negative `connectTimeoutMs` makes Envoy reject it. */
export function cluster(name: string, opts: { connectTimeoutMs?: number } = {}): EncodedResource {
  const ms = opts.connectTimeoutMs ?? 1000;
  return must(TypeUrl.Cluster, name, {
    name,
    type: 'EDS',
    // A negative timeout encodes fine but violates Envoy's validation: a reliable NACK.
    connect_timeout: ms >= 0 ? duration(ms) : { seconds: Math.floor(ms / 1000) },
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
  });
}

/** A ClusterLoadAssignment; no endpoints means "drained". */
export function cla(name: string, endpoints: Array<[string, number]> = [['127.0.0.1', 9]]): EncodedResource {
  return must(TypeUrl.ClusterLoadAssignment, name, {
    cluster_name: name,
    endpoints: endpoints.length
      ? [{ lb_endpoints: endpoints.map(([host, port]) => ({ endpoint: { address: socketAddress(host, port) } })) }]
      : [],
  });
}

/** An HTTP listener whose routes come from RDS over ADS. */
export function listener(name: string, routeName: string, port = 0, host = '127.0.0.1'): EncodedResource {
  return must(TypeUrl.Listener, name, {
    name,
    address: socketAddress(host, port),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
              stat_prefix: name,
              rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
              http_filters: [
                { name: 'envoy.filters.http.router', typed_config: typed('envoy.extensions.filters.http.router.v3.Router', {}) },
              ],
            }),
          },
        ],
      },
    ],
  });
}

/** A route configuration sending everything to `clusterName`. */
export function routeConfig(name: string, clusterName: string): EncodedResource {
  return must(TypeUrl.RouteConfiguration, name, {
    name,
    virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: clusterName } }] }],
  });
}

/** A generic TLS secret holding a validation context (no key material needed). */
export function secret(name: string, sni = 'example.com'): EncodedResource {
  return must(TypeUrl.Secret, name, {
    name,
    validation_context: { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: sni } }] },
  });
}

/** Builds a ResourceSet from resources (grouped by their type URL). */
export function resourceSet(...resources: EncodedResource[]): ResourceSet {
  const set = new Map<string, Map<string, EncodedResource>>();
  for (const r of resources) {
    let byName = set.get(r.typeUrl);
    if (!byName) set.set(r.typeUrl, (byName = new Map()));
    byName.set(r.name, r);
  }
  return set;
}
