// Which ClusterLoadAssignment an encoded cluster warms on: the EDS name Envoy subscribes to over ADS.
import { TypeUrl, decodeToObject, envoyRoot } from '@tidegate/envoy-api';
import type { HeldResource } from './type-state';

// Keyed by the shared Any bytes, so each cluster version is decoded once for all streams.
const byBytes = new WeakMap<Uint8Array, string | null>();

/**
 * The ClusterLoadAssignment name an EDS cluster fetched over the same ADS stream waits for
 * (`eds_cluster_config.service_name`, else the cluster's name); undefined for other clusters
 * (static, DNS, or endpoints from another config source: nothing this stream can order).
 */
export function edsNameOf(cluster: HeldResource & { readonly any: Uint8Array }): string | undefined {
  let name = byBytes.get(cluster.any);
  if (name === undefined) {
    name = decodeEdsName(cluster) ?? null;
    byBytes.set(cluster.any, name);
  }
  return name ?? undefined;
}

function decodeEdsName(cluster: HeldResource & { readonly any: Uint8Array }): string | undefined {
  const value = 'value' in cluster && cluster.value instanceof Uint8Array ? cluster.value : anyValue(cluster.any);
  const c = decodeToObject(TypeUrl.Cluster, value) as {
    name?: string;
    type?: string;
    eds_cluster_config?: { service_name?: string; eds_config?: { ads?: object; self?: object } };
  };
  if (c.type !== 'EDS') return undefined;
  const source = c.eds_cluster_config?.eds_config;
  // `self` on a cluster delivered over ADS means ADS too.
  if (!source || (source.ads === undefined && source.self === undefined)) return undefined;
  return c.eds_cluster_config?.service_name || c.name || cluster.name;
}

function anyValue(any: Uint8Array): Uint8Array {
  const decoded = envoyRoot().lookupType('google.protobuf.Any').decode(any) as unknown as { value: Uint8Array };
  return decoded.value;
}
