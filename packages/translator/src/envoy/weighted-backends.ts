// Which weighted backends actually receive traffic, and the reserved name of the share that fails.
import type { WeightedBackend } from '@tidegate/ir';

/** Backends with a weight above 0; a weight of 0 means "send nothing" and Envoy rejects it in some places. */
export function liveBackends(list: WeightedBackend[]): WeightedBackend[] {
  return list.filter((b) => b.weight > 0);
}

/**
 * Cluster name of the share of traffic meant for an invalid backend. It is never defined (a
 * backend may not take this name), so Envoy answers that share with an error status (HTTP) or
 * closes the connection (TCP proxy: "no route").
 */
export const INVALID_BACKEND_CLUSTER = 'tidegate.invalid-backend';
