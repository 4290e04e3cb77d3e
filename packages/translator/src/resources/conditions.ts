// Kubernetes-style condition values; lastTransitionTime is stamped by the status writer, not here.
import type { Condition } from '@tidegate/common';

/** A condition with `observedGeneration` when the object has a generation. */
export function condition(type: string, ok: boolean, reason: string, message: string, generation?: number): Condition {
  const c: Condition = { type, status: ok ? 'True' : 'False', reason, message };
  if (generation !== undefined) c.observedGeneration = generation;
  return c;
}

/** A reason and message explaining why something did not work. */
export interface Problem {
  reason: string;
  message: string;
}
