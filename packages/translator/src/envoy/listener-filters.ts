// Listener filters that run before a filter chain is chosen: PROXY protocol and TLS inspection.
import { typed } from '@tidegate/envoy-api';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';

/** Reads a PROXY protocol v1/v2 header; connections without one are refused. */
export const proxyProtocolFilter = (): EnvoyObject => ({
  name: FilterName.ProxyProtocol,
  typed_config: typed(ConfigType.ProxyProtocol, {}),
});

/** Reads SNI and ALPN from the ClientHello so filter chains can match on server names. */
export const tlsInspectorFilter = (): EnvoyObject => ({
  name: FilterName.TlsInspector,
  typed_config: typed(ConfigType.TlsInspector, {}),
});

/** `listener_filters` in order (PROXY protocol first: it precedes everything on the wire). */
export function listenerFilters(opts: { proxyProtocol?: boolean; tlsInspector: boolean }): EnvoyObject[] | undefined {
  const out: EnvoyObject[] = [];
  if (opts.proxyProtocol) out.push(proxyProtocolFilter());
  if (opts.tlsInspector) out.push(tlsInspectorFilter());
  return out.length ? out : undefined;
}
