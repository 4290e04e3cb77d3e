// IR → Envoy: one proxy group in, its listeners, routes, clusters, endpoints and secrets out.
import type { Backend, GrpcApiListener, ProxyGroup } from '@tidegate/ir';
import { backendCluster } from './cluster';
import type { EnvoyObject } from './envoy-object';
import { grpcApiListener } from './grpc-api-listener';
import { httpListener } from './listener';
import { type EnvoyResources, emptyResources } from './resources';
import { DEFAULT_SCOPED_ROUTES_MIN_HOSTS, scopedListenerName } from './scoped-routes';
import { mergeSharedPorts } from './shared-port';
import { tcpListener } from './tcp-proxy';
import { secretResource } from './tls';

export interface EnvoyTranslateOptions {
  /**
   * The HTTP listener with the most virtual hosts, if it has at least this many and serves
   * exact host names only, gets one route configuration per host (scoped-routes.ts).
   * 0 keeps every listener on a single route configuration.
   */
  scopedRoutesMinHosts?: number;
}

/**
 * Translates one proxy group. Pure: the same group and options always give the same
 * resources in the same order. Assumes the group passed `validateProxyGroup`;
 * `buildResourceSet` checks the result before anything is published.
 */
export function translateProxyGroup(group: ProxyGroup, options: EnvoyTranslateOptions = {}): EnvoyResources {
  const out = emptyResources();
  const bound: EnvoyObject[] = [];
  const scoped = scopedListenerName(group.httpListeners, options.scopedRoutesMinHosts ?? DEFAULT_SCOPED_ROUTES_MIN_HOSTS);
  for (const l of group.httpListeners) {
    const { listener, routeConfigurations, scopes } = httpListener(l, l.name === scoped);
    bound.push(listener);
    out.routeConfigurations.push(...routeConfigurations);
    out.scopedRouteConfigurations.push(...scopes);
  }
  for (const l of group.tcpListeners) bound.push(tcpListener(l));
  out.listeners.push(...mergeSharedPorts(bound));
  for (const g of group.grpcApiListeners) {
    const { listener, routeConfiguration } = grpcApiListener(g);
    out.listeners.push(listener);
    out.routeConfigurations.push(routeConfiguration);
  }
  const proxyless = backendsOf(group.grpcApiListeners);
  for (const b of group.backends) {
    const { cluster, loadAssignment } = backendClusterOnce(b, proxyless.has(b.name));
    out.clusters.push(cluster);
    if (loadAssignment) out.clusterLoadAssignments.push(loadAssignment);
  }
  for (const s of group.secrets) out.secrets.push(secretResource(s));
  return out;
}

/** Backends that proxyless gRPC clients route to (they do not mirror, so mirrors do not count). */
function backendsOf(listeners: GrpcApiListener[]): Set<string> {
  const names = new Set<string>();
  for (const g of listeners) {
    for (const vh of g.virtualHosts) {
      for (const r of vh.routes) {
        if (r.action.kind === 'forward') r.action.backends.forEach((b) => names.add(b.backend));
      }
    }
  }
  return names;
}

/** Clusters by IR backend (see route-config.ts: unchanged IR comes back as the same objects, so it is re-encoded never). */
const clusters = new WeakMap<Backend, Map<boolean, ReturnType<typeof backendCluster>>>();

function backendClusterOnce(b: Backend, proxyless: boolean): ReturnType<typeof backendCluster> {
  let byMode = clusters.get(b);
  if (!byMode) clusters.set(b, (byMode = new Map()));
  let out = byMode.get(proxyless);
  if (!out) byMode.set(proxyless, (out = backendCluster(b, { proxyless })));
  return out;
}
