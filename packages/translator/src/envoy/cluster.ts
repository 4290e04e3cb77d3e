// A backend's Cluster (and ClusterLoadAssignment), assembled from one part per feature.
import { duration } from '@tidegate/envoy-api';
import type { Backend } from '@tidegate/ir';
import { circuitBreakerFields } from './circuit-breaker';
import { clusterLoadAssignment, discoveryFields } from './endpoints';
import type { EnvoyObject } from './envoy-object';
import { healthCheckFields } from './health-check';
import { loadBalancerFields } from './load-balancer';
import { outlierDetectionFields } from './outlier-detection';
import { upstreamTransportSocket } from './tls';
import { upstreamProtocolFields } from './upstream-protocol';

/** What a cluster part may need beyond the backend itself. */
export interface ClusterContext {
  /** Proxyless gRPC clients read this cluster too. */
  proxyless: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const connectTimeoutFields = (b: Backend): EnvoyObject => ({
  connect_timeout: duration(b.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
});

const tlsFields = (b: Backend): EnvoyObject => (b.tls ? { transport_socket: upstreamTransportSocket(b.tls) } : {});

/** Each part adds its own fields; order here is the field order in the output. */
const PARTS: ReadonlyArray<(b: Backend, ctx: ClusterContext) => EnvoyObject> = [
  discoveryFields,
  connectTimeoutFields,
  loadBalancerFields,
  upstreamProtocolFields,
  tlsFields,
  circuitBreakerFields,
  outlierDetectionFields,
  healthCheckFields,
];

/** The `Cluster` named after the backend, and its `ClusterLoadAssignment` when it uses EDS. */
export function backendCluster(b: Backend, ctx: ClusterContext): { cluster: EnvoyObject; loadAssignment?: EnvoyObject } {
  const cluster: EnvoyObject = { name: b.name };
  for (const part of PARTS) Object.assign(cluster, part(b, ctx));
  const loadAssignment = clusterLoadAssignment(b.name, b.discovery);
  return loadAssignment ? { cluster, loadAssignment } : { cluster };
}
