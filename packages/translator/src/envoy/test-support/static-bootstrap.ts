// Turns translated resources into a static Envoy bootstrap, so `envoy --mode validate` can judge
// exactly what would be served over xDS.
import { messageType, socketAddress } from '@tidegate/envoy-api';
import { TIDEGATE_RUNTIME } from '@tidegate/envoy-runner';
import type { EnvoyResources } from '../resources';
import { toProtoJson } from './proto-json';

type Obj = Record<string, unknown>;

/** First port handed to API listeners, which a server Envoy cannot load as such. */
const API_LISTENER_PORT_BASE = 40000;

/**
 * A bootstrap (proto3 JSON) holding the same resources statically: RDS references become
 * inline `route_config` (with RDS's `validate_clusters: false`), scoped RDS an inline list of
 * scopes with their route configurations, EDS clusters become STATIC with their ClusterLoadAssignment, SDS
 * references name `static_resources.secrets`. Proxyless API listeners are re-hosted as
 * ordinary listeners on loopback so their HCM and routes are still checked. The runtime layer
 * is the one every Tidegate bootstrap has (its regex program-size limit among others).
 */
export function staticBootstrap(res: EnvoyResources): unknown {
  const routes = new Map((res.routeConfigurations as Obj[]).map((rc) => [rc.name as string, rc]));
  const assignments = new Map((res.clusterLoadAssignments as Obj[]).map((cla) => [cla.cluster_name as string, cla]));
  let apiPort = API_LISTENER_PORT_BASE;
  const listeners = (res.listeners as Obj[]).map((l) => {
    if (!l.api_listener) return l;
    const hcm = (l.api_listener as Obj).api_listener;
    return {
      name: l.name,
      address: socketAddress('127.0.0.1', apiPort++),
      filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
    };
  });
  const clusters = (res.clusters as Obj[]).map((c) => {
    if (c.type !== 'EDS') return c;
    const { eds_cluster_config: _eds, ...rest } = c;
    return { ...rest, type: 'STATIC', load_assignment: assignments.get(c.name as string) };
  });
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (typeof value !== 'object' || value === null) return value;
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'sds_config') continue; // a bare name resolves to a static secret
      if (k === 'rds') out.route_config = inlineRouteConfig(routes.get(((v as Obj).route_config_name as string) ?? ''));
      else if (k === 'scoped_rds') out.scoped_route_configurations_list = { scoped_route_configurations: inlineScopes() };
      else out[k] = inline(v);
    }
    return out;
  };
  // Inline route configurations check their clusters at load unless told not to; over RDS they
  // do not (the reserved invalid-backend share relies on that), so keep RDS's behaviour.
  const inlineRouteConfig = (rc: Obj | undefined): Obj | undefined => rc && { ...rc, validate_clusters: { value: false } };
  // A proxy's scopes all go to its one scoped listener; each carries its route configuration.
  const inlineScopes = (): Obj[] =>
    (res.scopedRouteConfigurations as Obj[]).map(({ route_configuration_name: rc, ...scope }) => ({
      ...scope,
      route_configuration: inlineRouteConfig(routes.get(rc as string)),
    }));
  const bootstrap = {
    static_resources: {
      listeners: inline(listeners),
      clusters: inline(clusters),
      secrets: res.secrets,
    },
  };
  const json = toProtoJson(messageType('envoy.config.bootstrap.v3.Bootstrap'), bootstrap) as Obj;
  return { ...json, layered_runtime: { layers: [{ name: 'tidegate-defaults', static_layer: { ...TIDEGATE_RUNTIME } }] } };
}
