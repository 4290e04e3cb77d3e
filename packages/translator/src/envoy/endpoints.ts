// Endpoints: how a cluster finds its hosts (EDS from Tidegate, or DNS) and the ClusterLoadAssignment.
import { socketAddress } from '@tidegate/envoy-api';
import type { Backend, BackendDiscovery, Endpoint } from '@tidegate/ir';
import { adsConfigSource } from './config-source';
import type { EnvoyObject } from './envoy-object';

const HEALTH: Record<NonNullable<Endpoint['health']>, string> = {
  healthy: 'HEALTHY',
  unhealthy: 'UNHEALTHY',
  draining: 'DRAINING',
};

/** Cluster fields for discovery: `EDS` over ADS for known endpoints, Envoy's own DNS otherwise. */
export function discoveryFields(b: Backend): EnvoyObject {
  const d = b.discovery;
  if (d.type === 'static') return { type: 'EDS', eds_cluster_config: { eds_config: adsConfigSource() } };
  const out: EnvoyObject = {
    type: d.mode === 'strict' ? 'STRICT_DNS' : 'LOGICAL_DNS',
    dns_lookup_family: 'V4_PREFERRED',
  };
  if (d.respectDnsTtl) out.respect_dns_ttl = true;
  out.load_assignment = {
    cluster_name: b.name,
    endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(d.hostname, d.port) } }] }],
  };
  return out;
}

/**
 * The `ClusterLoadAssignment` for an EDS cluster, or undefined for DNS clusters. An empty
 * endpoint list still yields one: it is how a cluster is drained.
 */
export function clusterLoadAssignment(name: string, discovery: BackendDiscovery): EnvoyObject | undefined {
  if (discovery.type !== 'static') return undefined;
  return { cluster_name: name, endpoints: localities(discovery.endpoints) };
}

/**
 * One `LocalityLbEndpoints` per zone, in first-seen order. Every locality carries a
 * `locality` and a weight: gRPC clients skip localities without a weight.
 */
function localities(endpoints: Endpoint[]): EnvoyObject[] {
  const byZone = new Map<string, Endpoint[]>();
  for (const e of endpoints) {
    const zone = e.zone ?? '';
    byZone.set(zone, [...(byZone.get(zone) ?? []), e]);
  }
  return [...byZone].map(([zone, list]) => ({
    locality: zone ? { zone } : {},
    lb_endpoints: list.map(lbEndpoint),
    load_balancing_weight: { value: list.reduce((sum, e) => sum + (e.weight ?? 1), 0) },
  }));
}

function lbEndpoint(e: Endpoint): EnvoyObject {
  const out: EnvoyObject = { endpoint: { address: socketAddress(e.address, e.port) } };
  if (e.health) out.health_status = HEALTH[e.health];
  if (e.weight !== undefined) out.load_balancing_weight = { value: e.weight };
  return out;
}
