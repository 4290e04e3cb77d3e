// RouteConfiguration: the virtual hosts of one HTTP listener or one proxyless gRPC target.
import type { VirtualHost } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { realIpHeader } from './client-ip';
import { directResponseBodyLimit } from './direct-response';
import { virtualHost } from './virtual-host';

/** Builds a `RouteConfiguration` named `name` (the RDS name its listener asks for). */
export function routeConfiguration(name: string, vhosts: VirtualHost[], target: RouteTarget): EnvoyObject {
  const out: EnvoyObject = { name, virtual_hosts: vhosts.map((vh) => virtualHostOnce(vh, target)) };
  if (target === 'proxyless') return out;
  // Clients on a non-default port send `Host: name:port`; domains are written without ports.
  out.ignore_port_in_host_matching = true;
  out.request_headers_to_add = realIpHeader();
  const bodyLimit = directResponseBodyLimit(vhosts);
  if (bodyLimit) out.max_direct_response_body_size_bytes = { value: bodyLimit };
  return out;
}

/**
 * Envoy virtual hosts by IR object. IR is never mutated after translation and the publisher
 * hands unchanged virtual hosts over as the same objects, so a change to one host among
 * thousands rebuilds (and, in buildResourceSet, re-encodes) that host alone.
 */
const built = new WeakMap<VirtualHost, Partial<Record<RouteTarget, EnvoyObject>>>();

function virtualHostOnce(vh: VirtualHost, target: RouteTarget): EnvoyObject {
  let byTarget = built.get(vh);
  if (!byTarget) built.set(vh, (byTarget = {}));
  return (byTarget[target] ??= virtualHost(vh, target));
}
