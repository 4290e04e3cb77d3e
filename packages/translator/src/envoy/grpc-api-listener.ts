// Proxyless gRPC: an API listener per target and its route configuration, for @grpc/grpc-js-xds.
import { typed } from '@tidegate/envoy-api';
import type { GrpcApiListener } from '@tidegate/ir';
import { adsConfigSource } from './config-source';
import type { EnvoyObject } from './envoy-object';
import { ConfigType } from './filter-names';
import { routerFilter } from './http-filters';
import { routeConfiguration } from './route-config';

/**
 * The `Listener` a client dialing `xds:///<name>` asks for (named exactly the target) and
 * its `RouteConfiguration`. Clients accept only the router filter here and a subset of route
 * features, so the routes are built for the `proxyless` target.
 */
export function grpcApiListener(g: GrpcApiListener): { listener: EnvoyObject; routeConfiguration: EnvoyObject } {
  const hcm = typed(ConfigType.HttpConnectionManager, {
    stat_prefix: g.name,
    rds: { route_config_name: g.name, config_source: adsConfigSource() },
    http_filters: [routerFilter()],
  });
  return {
    listener: { name: g.name, api_listener: { api_listener: hcm } },
    routeConfiguration: routeConfiguration(g.name, g.virtualHosts, 'proxyless'),
  };
}
