// Type URLs of the xDS resource types, as literal-typed constants.

const PREFIX = 'type.googleapis.com/';

export const TypeUrl = {
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  ScopedRouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.ScopedRouteConfiguration',
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  ClusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type XdsTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** Short names used in metrics, logs and the debug endpoints. */
export const TYPE_SHORT_NAME: Record<XdsTypeUrl, 'CDS' | 'EDS' | 'LDS' | 'RDS' | 'SRDS' | 'SDS'> = {
  [TypeUrl.Cluster]: 'CDS',
  [TypeUrl.ClusterLoadAssignment]: 'EDS',
  [TypeUrl.Listener]: 'LDS',
  [TypeUrl.RouteConfiguration]: 'RDS',
  [TypeUrl.ScopedRouteConfiguration]: 'SRDS',
  [TypeUrl.Secret]: 'SDS',
};

/**
 * Types whose subscription is a wildcard for Envoy (the rest are always requested by name).
 * Scoped routes are too: every HCM with `scoped_rds` receives every scope the proxy is sent.
 */
export const WILDCARD_TYPES: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.Cluster, TypeUrl.ScopedRouteConfiguration]);

export const isXdsTypeUrl = (url: string): url is XdsTypeUrl =>
  (Object.values(TypeUrl) as string[]).includes(url);

export const typeUrlOf = (messageFullName: string): string => PREFIX + messageFullName;
export const messageNameOf = (typeUrl: string): string => typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
