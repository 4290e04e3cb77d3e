// An HTTP(S) listener and the route configuration it asks for by RDS.
import { socketAddress } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { connectionLimitFilters } from './connection-limit';
import type { EnvoyObject } from './envoy-object';
import { httpConnectionManagerFilter } from './http-connection-manager';
import { listenerFilters } from './listener-filters';
import { routeConfiguration } from './route-config';
import { scopedRoutes } from './scoped-routes';
import { downstreamFilterChains } from './tls';

export interface HttpListenerResources {
  listener: EnvoyObject;
  routeConfigurations: EnvoyObject[];
  /** Scoped route configurations (host → route configuration), when `scoped`. */
  scopes: EnvoyObject[];
}

/**
 * A listener's name and bound address. `enable_reuse_port` is off (Envoy's default is on): with
 * SO_REUSEPORT a second process, say the Envoy of another Gateway or another Tidegate, could bind
 * the same address and port and the kernel would split connections between the two. Off, such a
 * bind fails and Envoy rejects that listener, so a clash is seen instead of half the requests
 * going astray. Workers then share one accepting socket.
 */
export function boundListener(name: string, address: string, port: number): EnvoyObject {
  return { name, address: socketAddress(address, port), enable_reuse_port: { value: false } };
}

/**
 * The `Listener` and its routes: one `RouteConfiguration` named after the listener or, when
 * `scoped`, one per virtual host with the scopes that choose between them.
 */
export function httpListener(l: HttpListener, scoped = false): HttpListenerResources {
  const hcm = httpConnectionManagerFilter(l, scoped);
  const alpn = l.http2 === false ? ['http/1.1'] : ['h2', 'http/1.1'];
  const listener = boundListener(l.name, l.address, l.port);
  const filters = listenerFilters({ proxyProtocol: l.proxyProtocol, tlsInspector: l.tls !== undefined });
  if (filters) listener.listener_filters = filters;
  const networkFilters = [...connectionLimitFilters(l), hcm];
  listener.filter_chains = l.tls ? downstreamFilterChains(l.tls, alpn, networkFilters) : [{ filters: networkFilters }];
  if (scoped) return { listener, ...scopedRoutes(l) };
  return { listener, routeConfigurations: [routeConfiguration(l.name, l.virtualHosts, 'envoy')], scopes: [] };
}
