// TCP listeners: plain TCP proxying, TLS passthrough routed by SNI, or TLS terminated here and
// the decrypted stream proxied.
import { typed } from '@tidegate/envoy-api';
import type { DownstreamTls, TcpListener, TcpRoute } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import { boundListener } from './listener';
import { listenerFilters } from './listener-filters';
import { type CertificateChainPlan, downstreamTransportSocket, planCertificateChains } from './tls';
import { INVALID_BACKEND_CLUSTER, liveBackends } from './weighted-backends';

/** Name of the filter chain of a listener without routes, which accepts connections and closes them. */
export const NO_ROUTES_CHAIN = 'no-routes';

/** A `Listener` with one filter chain per route (or per route and certificate when terminating TLS). */
export function tcpListener(l: TcpListener): EnvoyObject {
  const sniRouting = l.routes.some((r) => r.sniHostnames?.length);
  const listener = boundListener(l.name, l.address, l.port);
  const filters = listenerFilters({ proxyProtocol: l.proxyProtocol, tlsInspector: sniRouting || l.tls !== undefined });
  if (filters) listener.listener_filters = filters;
  listener.filter_chains = l.tls ? terminatingChains(l, l.tls) : l.routes.map((r) => passthroughChain(l, r));
  // Envoy refuses a listener without filter chains; with no routes, accept and close.
  if ((listener.filter_chains as EnvoyObject[]).length === 0) listener.filter_chains = [{ name: NO_ROUTES_CHAIN, filters: [] }];
  return listener;
}

function passthroughChain(l: TcpListener, r: TcpRoute): EnvoyObject {
  const chain: EnvoyObject = { name: r.name };
  if (r.sniHostnames?.length) chain.filter_chain_match = { server_names: [...r.sniHostnames] };
  chain.filters = tcpProxyFilters(l, r);
  return chain;
}

/**
 * TLS termination. The certificate is chosen by SNI as on HTTPS listeners; the route by SNI
 * as for passthrough. A route with hostnames gets one chain per certificate that serves them
 * (the certificate naming the host, else one whose wildcard covers it, else the default
 * certificate, else the first). The catch-all route gets a chain per certificate for the
 * names no SNI route took, and the default chain. A name claimed twice stays with the first
 * route: Envoy rejects duplicate chain matches.
 */
function terminatingChains(l: TcpListener, tls: DownstreamTls): EnvoyObject[] {
  const plans = planCertificateChains(tls);
  if (plans.length === 0) return [];
  const chains: EnvoyObject[] = [];
  const claimed = new Set<string>();
  const chain = (name: string, serverNames: string[], plan: CertificateChainPlan, r: TcpRoute): EnvoyObject => {
    const out: EnvoyObject = { name };
    if (serverNames.length) out.filter_chain_match = { server_names: serverNames };
    out.filters = tcpProxyFilters(l, r);
    out.transport_socket = downstreamTransportSocket(tls, plan, []);
    return out;
  };
  for (const r of l.routes.filter((x) => x.sniHostnames?.length)) {
    const names = [...new Set(r.sniHostnames!.map((h) => h.toLowerCase()))].filter((h) => !claimed.has(h));
    names.forEach((h) => claimed.add(h));
    const byPlan = new Map<CertificateChainPlan, string[]>();
    for (const name of names) {
      const plan = planFor(name, plans);
      byPlan.set(plan, [...(byPlan.get(plan) ?? []), name]);
    }
    [...byPlan].forEach(([plan, serverNames], i) => chains.push(chain(i === 0 ? r.name : `${r.name}#${i + 1}`, serverNames, plan, r)));
  }
  const catchAll = l.routes.find((x) => !x.sniHostnames?.length);
  if (catchAll) {
    for (const plan of plans) {
      const names = plan.serverNames.filter((h) => !claimed.has(h));
      if (plan.serverNames.length && names.length === 0) continue;
      chains.push(chain(`${catchAll.name}/${plan.secretNames.join(',')}`, names, plan, catchAll));
    }
  }
  return chains;
}

/** The certificate chain that should answer `host`. */
function planFor(host: string, plans: CertificateChainPlan[]): CertificateChainPlan {
  const exact = plans.find((p) => p.serverNames.includes(host));
  if (exact) return exact;
  const dot = host.indexOf('.');
  const wildcard = dot > 0 ? plans.find((p) => p.serverNames.includes(`*${host.slice(dot)}`)) : undefined;
  return wildcard ?? plans.find((p) => p.serverNames.length === 0) ?? plans[0]!;
}

/**
 * A route whose backends all have weight 0 gets no filters: Envoy closes such connections. An
 * invalid share is a weighted entry naming the reserved, never-defined cluster: TCP proxy finds
 * no cluster for the connections it picks and closes them.
 */
function tcpProxyFilters(l: TcpListener, r: TcpRoute): EnvoyObject[] {
  const backends = liveBackends(r.backends);
  if (backends.length === 0) return [];
  const invalidWeight = Math.floor(r.invalidWeight ?? 0);
  const proxy: EnvoyObject = { stat_prefix: `${l.name}.${r.name}` };
  const only = backends.length === 1 && invalidWeight <= 0 ? backends[0] : undefined;
  if (only) proxy.cluster = only.backend;
  else {
    const clusters = backends.map((b) => ({ name: b.backend, weight: b.weight }));
    if (invalidWeight > 0) clusters.push({ name: INVALID_BACKEND_CLUSTER, weight: invalidWeight });
    proxy.weighted_clusters = { clusters };
  }
  return [{ name: FilterName.TcpProxy, typed_config: typed(ConfigType.TcpProxy, proxy) }];
}
