// Which weighted backends actually receive traffic.
import type { WeightedBackend } from '@tidegate/ir';

/** Backends with a weight above 0; a weight of 0 means "send nothing" and Envoy rejects it in some places. */
export function liveBackends(list: WeightedBackend[]): WeightedBackend[] {
  return list.filter((b) => b.weight > 0);
}
