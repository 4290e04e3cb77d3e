// Which policies apply to a listener (and, as policy kinds target them, a route or rule), for the route's status.
import type { Condition } from '@tidegate/common';
import { condition } from '../resources';

/** The route condition listing the policies that govern its traffic through a parent. */
export const POLICIES_APPLIED = 'tidegate.io/PoliciesApplied';

/** `Kind namespace/name` of each policy applied, by what it applies to (objects of one translation). */
const applied = new WeakMap<object, Set<string>>();

/** Records that `policy` governs `target` (a ListenerState: the policy won the listener's port). */
export function recordAppliedPolicy(target: object, policy: { kind: string; namespace: string; name: string }): void {
  let set = applied.get(target);
  if (!set) applied.set(target, (set = new Set()));
  set.add(`${policy.kind} ${policy.namespace}/${policy.name}`);
}

/** Routes through listeners, each pair one object, so a policy can be recorded as applying to one route on one listener. */
const pairs = new WeakMap<object, WeakMap<object, object>>();

/** The object standing for `route` served through `listener` (the same object for the same pair). */
export function routeThrough(route: object, listener: object): object {
  let byListener = pairs.get(route);
  if (!byListener) pairs.set(route, (byListener = new WeakMap()));
  let pair = byListener.get(listener);
  if (!pair) byListener.set(listener, (pair = {}));
  return pair;
}

/**
 * `tidegate.io/PoliciesApplied` (True, reason Applied) naming, sorted, every policy applied to
 * one of `targets` (the listeners a parentRef serves the route through); undefined when none is.
 */
export function appliedPoliciesCondition(targets: Iterable<object>, generation: number | undefined): Condition | undefined {
  const names = new Set<string>();
  for (const t of targets) for (const name of applied.get(t) ?? []) names.add(name);
  if (names.size === 0) return undefined;
  return condition(POLICIES_APPLIED, true, 'Applied', [...names].sort().join(', '), generation);
}
