// An HTTP(S) listener and the route configuration it asks for by RDS.
import { socketAddress } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { connectionLimitFilters } from './connection-limit';
import type { EnvoyObject } from './envoy-object';
import { httpConnectionManagerFilter } from './http-connection-manager';
import { listenerFilters } from './listener-filters';
import { routeConfiguration } from './route-config';
import { downstreamFilterChains } from './tls';

/** The `Listener` and its `RouteConfiguration` (both named after the listener). */
export function httpListener(l: HttpListener): { listener: EnvoyObject; routeConfiguration: EnvoyObject } {
  const hcm = httpConnectionManagerFilter(l);
  const alpn = l.http2 === false ? ['http/1.1'] : ['h2', 'http/1.1'];
  const listener: EnvoyObject = { name: l.name, address: socketAddress(l.address, l.port) };
  const filters = listenerFilters({ proxyProtocol: l.proxyProtocol, tlsInspector: l.tls !== undefined });
  if (filters) listener.listener_filters = filters;
  const networkFilters = [...connectionLimitFilters(l), hcm];
  listener.filter_chains = l.tls ? downstreamFilterChains(l.tls, alpn, networkFilters) : [{ filters: networkFilters }];
  return { listener, routeConfiguration: routeConfiguration(l.name, l.virtualHosts, 'envoy') };
}
