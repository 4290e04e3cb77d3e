// Make-before-break rules between resource types, as data the sessions consult.
import { compareStrings } from '@tidegate/common';
import { TypeUrl } from '@tidegate/envoy-api';

/**
 * The order a stream pushes types in one pass. Secrets go
 * before listeners: a listener (or cluster) that names a secret warms until it has it, so
 * a secret sent first lets the new listener start at once with the right certificate.
 */
const STREAM_PUSH_ORDER: readonly string[] = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Secret,
  TypeUrl.Listener,
  // A new scope names its route configuration; Envoy then asks for it by name.
  TypeUrl.ScopedRouteConfiguration,
  TypeUrl.RouteConfiguration,
];

/**
 * After a response of the key type, the value type is pushed again even if unchanged:
 * an updated EDS cluster is re-created by Envoy and stays warming until it receives its
 * ClusterLoadAssignment, which Envoy may not ask for again because the name did not change.
 */
export const RESEND_AFTER: ReadonlyMap<string, string> = new Map([[TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment]]);

/**
 * Removal of a key-type resource waits until every value type is in sync on the stream.
 *
 * What we chose: when a snapshot drops clusters, the stream keeps offering the clusters
 * (and ClusterLoadAssignments) the proxy already holds, using the bytes it was last sent,
 * for as long as LDS or RDS on the same stream is not in sync with the current snapshot
 * — a response awaiting its ACK, a NACKed last response, or a change not yet sent.
 * So a push goes CDS(new ∪ held old), EDS, LDS, RDS; once LDS and RDS are ACKed, a final
 * CDS(new) (then EDS) removes the old clusters. A stream that does not subscribe LDS/RDS
 * (e.g. a per-type CDS stream) removes at once. We do not parse routes to find which old
 * clusters are still referenced: holding every dropped cluster for one round trip is
 * simpler and never wrong. If LDS/RDS stay NACKed, the proxy still runs its old routes,
 * so the old clusters stay until a later snapshot is accepted.
 */
export const REMOVAL_WAITS_FOR: ReadonlyMap<string, readonly string[]> = new Map([
  [TypeUrl.Cluster, [TypeUrl.Listener, TypeUrl.RouteConfiguration]],
  [TypeUrl.ClusterLoadAssignment, [TypeUrl.Listener, TypeUrl.RouteConfiguration]],
  // Secrets are pushed before listeners and are not held while clusters warm, so a Delta
  // removal must not overtake the listener or cluster update that stops using the secret.
  [TypeUrl.Secret, [TypeUrl.Cluster, TypeUrl.Listener]],
  // A listener leaving scoped routes warms until its new route configuration arrives; until
  // then the old listener still routes by its scopes, so they stay until LDS and RDS are in sync.
  // (Envoy ignores removals of route configurations, so RDS needs no such rule.)
  [TypeUrl.ScopedRouteConfiguration, [TypeUrl.Listener, TypeUrl.RouteConfiguration]],
]);

/**
 * Types whose resources are never all removed: a snapshot with none of them leaves the proxy
 * what it has. When the one scoped listener goes back to a single route configuration (or
 * goes away), Envoy keeps the old listener draining for its drain time, still routing its
 * open connections by the old scopes; removing them would answer those requests 404. Once
 * the old listener is gone nothing reads them, and the next scoped snapshot replaces them
 * in one response.
 */
export const KEPT_WHILE_NONE: ReadonlySet<string> = new Set([TypeUrl.ScopedRouteConfiguration]);

/**
 * Additions wait too (make before break for new clusters), on ADS streams only: after a CDS
 * response that adds or changes clusters, these types are held until the proxy has ACKed
 * (or NACKed) that CDS response and has ACKed an EDS response carrying every added or changed
 * EDS cluster's ClusterLoadAssignment, sent after it subscribed to it. Envoy re-creates any
 * changed cluster and keeps an EDS cluster warming until its assignment arrives; a route
 * pointing at a warming cluster fails with 503. EDS is never held (it is what ends warming),
 * nor SDS (secrets are leaves that listeners and clusters wait for; holding them would only
 * prolong warming). A safety timeout (`XdsServerOptions.orderingTimeoutMs`) bounds the hold.
 */
export const HELD_WHILE_WARMING: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.ScopedRouteConfiguration, TypeUrl.RouteConfiguration]);

/** The given type URLs in push order (CDS, EDS, SDS, LDS, SRDS, RDS), unknown types last. */
export function inPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (t: string): number => {
    const i = STREAM_PUSH_ORDER.indexOf(t);
    return i === -1 ? STREAM_PUSH_ORDER.length : i;
  };
  return [...typeUrls].sort((a, b) => rank(a) - rank(b) || compareStrings(a, b));
}
