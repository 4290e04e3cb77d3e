// Make-before-break rules between resource types, as data the sessions consult.
import { PUSH_ORDER, TypeUrl } from '@tidegate/envoy-api';

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
]);

/** The given type URLs in push order (CDS, EDS, LDS, RDS, SDS), unknown types last. */
export function inPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (t: string): number => {
    const i = (PUSH_ORDER as readonly string[]).indexOf(t);
    return i === -1 ? PUSH_ORDER.length : i;
  };
  return [...typeUrls].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
