// TCP listeners: plain TCP proxying, or TLS passthrough routed by SNI without terminating TLS.
import { socketAddress, typed } from '@tidegate/envoy-api';
import type { TcpListener, TcpRoute } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import { listenerFilters } from './listener-filters';
import { liveBackends } from './weighted-backends';

/** A `Listener` with one filter chain per route; SNI routes match on `server_names`. */
export function tcpListener(l: TcpListener): EnvoyObject {
  const sniRouting = l.routes.some((r) => r.sniHostnames?.length);
  const listener: EnvoyObject = { name: l.name, address: socketAddress(l.address, l.port) };
  const filters = listenerFilters({ proxyProtocol: l.proxyProtocol, tlsInspector: sniRouting });
  if (filters) listener.listener_filters = filters;
  listener.filter_chains = l.routes.map((r) => {
    const chain: EnvoyObject = { name: r.name };
    if (r.sniHostnames?.length) chain.filter_chain_match = { server_names: [...r.sniHostnames] };
    chain.filters = tcpProxyFilters(l, r);
    return chain;
  });
  // Envoy refuses a listener without filter chains; with no routes, accept and close.
  if (l.routes.length === 0) listener.filter_chains = [{ name: 'no-routes', filters: [] }];
  return listener;
}

/** A route whose backends all have weight 0 gets no filters: Envoy closes such connections. */
function tcpProxyFilters(l: TcpListener, r: TcpRoute): EnvoyObject[] {
  const backends = liveBackends(r.backends);
  if (backends.length === 0) return [];
  const proxy: EnvoyObject = { stat_prefix: `${l.name}.${r.name}` };
  const only = backends.length === 1 ? backends[0] : undefined;
  if (only) proxy.cluster = only.backend;
  else proxy.weighted_clusters = { clusters: backends.map((b) => ({ name: b.backend, weight: b.weight })) };
  return [{ name: FilterName.TcpProxy, typed_config: typed(ConfigType.TcpProxy, proxy) }];
}
