// VirtualHost: the domains it answers for, its routes in order, and a host-wide CORS policy.
import type { VirtualHost } from '@tidegate/ir';
import { corsPerFilterConfig } from './cors';
import { customErrorRoutes } from './custom-errors';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { route } from './route';

/**
 * Builds a `VirtualHost`. Domains are exact names, `*.suffix` wildcards or `*`; a port in
 * the Host header is ignored by the route configuration (`ignore_port_in_host_matching`).
 */
export function virtualHost(vh: VirtualHost, target: RouteTarget): EnvoyObject {
  const routes = vh.routes.map((r) => route(r, target)).filter((r): r is EnvoyObject => r !== undefined);
  // Custom error pages come back into this virtual host by internal redirect (custom-errors.ts).
  if (target === 'envoy') routes.unshift(...customErrorRoutes(vh));
  const out: EnvoyObject = { name: vh.name, domains: [...vh.domains], routes };
  const perFilter = corsPerFilterConfig(vh.cors, target);
  if (perFilter) out.typed_per_filter_config = perFilter;
  return out;
}
