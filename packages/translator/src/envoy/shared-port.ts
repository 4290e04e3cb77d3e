// IR listeners sharing an address and port (HTTPS and TLS told apart by SNI) become one Envoy listener.
import type { EnvoyObject } from './envoy-object';
import { FilterName } from './filter-names';
import { listenerFilters } from './listener-filters';
import { NO_ROUTES_CHAIN } from './tcp-proxy';

/**
 * Envoy binds one listener per address and port, so listeners the IR puts on the same one are
 * merged: the first keeps its name and place, the filter chains of all follow in order (each
 * named `<listener>/<chain>` to stay unique), and the TLS inspector runs for all of them. The
 * IR has checked that their SNI names do not overlap and that they agree on the PROXY protocol.
 */
export function mergeSharedPorts(listeners: EnvoyObject[]): EnvoyObject[] {
  const byAddress = new Map<string, EnvoyObject[]>();
  for (const l of listeners) {
    const key = JSON.stringify(l.address);
    byAddress.set(key, [...(byAddress.get(key) ?? []), l]);
  }
  return [...byAddress.values()].map((group) => (group.length === 1 ? (group[0] as EnvoyObject) : merge(group)));
}

function merge(group: EnvoyObject[]): EnvoyObject {
  const first = group[0] as EnvoyObject;
  const hasFilter = (name: string) => group.some((l) => ((l.listener_filters as EnvoyObject[] | undefined) ?? []).some((f) => f.name === name));
  const out: EnvoyObject = { name: first.name, address: first.address, enable_reuse_port: first.enable_reuse_port };
  out.listener_filters = listenerFilters({ proxyProtocol: hasFilter(FilterName.ProxyProtocol), tlsInspector: true });
  // A listener without routes contributes nothing: its placeholder chain would take every connection.
  const chains = group.flatMap((l) =>
    (l.filter_chains as EnvoyObject[])
      .filter((c) => c.name !== NO_ROUTES_CHAIN)
      .map((c) => ({ ...c, name: `${String(l.name)}/${String(c.name ?? '')}` })),
  );
  out.filter_chains = chains.length ? chains : [{ name: NO_ROUTES_CHAIN, filters: [] }];
  return out;
}
