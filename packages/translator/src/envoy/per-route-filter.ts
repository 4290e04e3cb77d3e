// Filters that act only on the routes that ask for them: off in the listener's chain, switched on per route.
import { typed } from '@tidegate/envoy-api';
import type { Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType } from './filter-names';
import type { HttpFilterPart } from './http-filters';

/**
 * An HTTP filter that is `disabled` in the listener's chain: Envoy then leaves it out of the
 * chain of every request whose route does not switch it on, so routes without the feature
 * pay nothing for it.
 */
export function perRouteFilter(name: string, configType: string, config: EnvoyObject, opts: { skipOnUpgrade?: boolean } = {}): HttpFilterPart {
  const part: HttpFilterPart = { filter: { name, typed_config: typed(configType, config), disabled: true } };
  if (opts.skipOnUpgrade) part.skipOnUpgrade = true;
  return part;
}

/**
 * A `typed_per_filter_config` value that switches a filter on for one route and gives its
 * per-route settings. The `FilterConfig` wrapper is what enables a filter the listener has
 * marked `disabled` (and is harmless when it is not).
 */
export function enabledOnRoute(configType: string, config: EnvoyObject): EnvoyObject {
  return typed(ConfigType.RouteFilterConfig, { config: typed(configType, config) });
}

/** Flattened route lists by virtual-host list: every filter source asks for the same one. */
const flattened = new WeakMap<ReadonlyArray<{ routes: Route[] }>, Route[]>();

/** Every route of the listener's virtual hosts (read-only; shared between callers). */
export function routesOf(l: { virtualHosts: Array<{ routes: Route[] }> }): Route[] {
  let routes = flattened.get(l.virtualHosts);
  if (!routes) flattened.set(l.virtualHosts, (routes = l.virtualHosts.flatMap((vh) => vh.routes)));
  return routes;
}
