// The Envoy resources of one proxy group, as plain objects before encoding.
import { TypeUrl, type XdsTypeUrl } from '@tidegate/envoy-api';

/** Every resource a proxy group is served, per xDS type, in Envoy's snake_case field names. */
export interface EnvoyResources {
  listeners: object[];
  routeConfigurations: object[];
  /** Host → route configuration, for a listener served with scoped routes. */
  scopedRouteConfigurations: object[];
  clusters: object[];
  /** Named by `cluster_name`, not `name`. */
  clusterLoadAssignments: object[];
  secrets: object[];
}

/** How each collection maps to its xDS type and which field names its resources. */
export const COLLECTIONS: ReadonlyArray<{ key: keyof EnvoyResources; typeUrl: XdsTypeUrl; nameField: string }> = [
  { key: 'listeners', typeUrl: TypeUrl.Listener, nameField: 'name' },
  { key: 'routeConfigurations', typeUrl: TypeUrl.RouteConfiguration, nameField: 'name' },
  { key: 'scopedRouteConfigurations', typeUrl: TypeUrl.ScopedRouteConfiguration, nameField: 'name' },
  { key: 'clusters', typeUrl: TypeUrl.Cluster, nameField: 'name' },
  { key: 'clusterLoadAssignments', typeUrl: TypeUrl.ClusterLoadAssignment, nameField: 'cluster_name' },
  { key: 'secrets', typeUrl: TypeUrl.Secret, nameField: 'name' },
];

export const emptyResources = (): EnvoyResources => ({
  listeners: [],
  routeConfigurations: [],
  scopedRouteConfigurations: [],
  clusters: [],
  clusterLoadAssignments: [],
  secrets: [],
});

/** The name of a resource in a collection, if it has one. */
export function resourceName(resource: object, nameField: string): string | undefined {
  const name = (resource as Record<string, unknown>)[nameField];
  return typeof name === 'string' && name !== '' ? name : undefined;
}
