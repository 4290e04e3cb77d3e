// VirtualHost: the domains it answers for, its routes in order, and what each HTTP-filter feature adds per host.
import type { VirtualHost } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { isNone, type VirtualHostPart } from './http-feature';
import { HTTP_FEATURES } from './http-feature-registry';
import { route } from './route';

const HOST_PARTS: VirtualHostPart[] = HTTP_FEATURES.flatMap((f) => (isNone(f.perVirtualHost) ? [] : [f.perVirtualHost]));

/**
 * Builds a `VirtualHost`. Domains are exact names, `*.suffix` wildcards or `*`; a port in
 * the Host header is ignored by the route configuration (`ignore_port_in_host_matching`).
 * Features' host parts (e.g. a host-wide CORS policy, the hidden routes custom error pages
 * come back to by internal redirect) are for a real Envoy only, as their filters are.
 */
export function virtualHost(vh: VirtualHost, target: RouteTarget): EnvoyObject {
  const routes = vh.routes.map((r) => route(r, target)).filter((r): r is EnvoyObject => r !== undefined);
  const out: EnvoyObject = { name: vh.name, domains: [...vh.domains], routes };
  if (target !== 'envoy') return out;
  routes.unshift(...HOST_PARTS.flatMap((p) => p.routes?.(vh) ?? []));
  const perFilter = Object.assign({}, ...HOST_PARTS.map((p) => p.perFilterConfig?.(vh))) as EnvoyObject;
  if (Object.keys(perFilter).length) out.typed_per_filter_config = perFilter;
  return out;
}
