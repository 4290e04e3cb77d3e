// Filters that act only on the routes that ask for them: off in the listener's chain, switched on per route.
import { typed } from '@tidegate/envoy-api';
import type { Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType } from './filter-names';
import type { HttpFilterPart } from './http-feature';

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

/**
 * What each virtual host yields for one question (`key`), remembered per IR virtual host:
 * unchanged hosts come back as the same objects, so a listener of thousands of hosts asks
 * each filter source's question again only of the hosts that changed. `key` names the
 * question; the same key must always come with the same `pick`.
 */
const answers = new WeakMap<object, Map<string, readonly unknown[]>>();

/** Everything `pick` yields over the listener's virtual hosts, in order. */
export function collectFromHosts<T>(l: { virtualHosts: ReadonlyArray<{ routes: Route[] }> }, key: string, pick: (vh: { routes: Route[] }) => T[]): T[] {
  const out: T[] = [];
  for (const vh of l.virtualHosts) {
    let byKey = answers.get(vh);
    if (!byKey) answers.set(vh, (byKey = new Map()));
    let found = byKey.get(key) as T[] | undefined;
    if (!found) byKey.set(key, (found = pick(vh)));
    for (const item of found) out.push(item);
  }
  return out;
}

/** Whether some route of the listener passes `test` (see `collectFromHosts` for `key`). */
export function someRoute(l: { virtualHosts: ReadonlyArray<{ routes: Route[] }> }, key: string, test: (r: Route) => boolean): boolean {
  return collectFromHosts(l, key, (vh) => (vh.routes.some(test) ? [true] : [])).length > 0;
}
