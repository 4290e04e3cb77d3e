// status.parents[] of a route: Accepted, ResolvedRefs, (when some rules were dropped) PartiallyInvalid, and the policies that apply.
import type { Condition, ObjectStatus } from '@tidegate/common';
import { condition, type Problem, type Resource } from '../resources';
import { appliedPoliciesCondition, routeThrough } from './applied-policies';
import type { Context } from './context';
import type { Attachment, ParentOutcome } from './parent-refs';

/**
 * What attaching to one listener gave: refused (a Problem), attached but contributing nothing
 * there (`unserved`: why it gets no traffic on that listener), or served (undefined).
 */
export type AttachmentResult = Problem | { unserved: string } | undefined;

export interface RouteVerdict {
  /** Unresolved references: ResolvedRefs False. */
  refs?: Problem;
  /** No rule could be served: Accepted False. */
  rejected?: Problem;
  /** Some rules were left out: PartiallyInvalid True. */
  partial?: Problem;
}

/**
 * Calls `use` for every attachment of an accepted parent, counts the route on
 * those listeners, and returns the route's status (undefined when no parentRef is ours).
 * A route attached everywhere but served nowhere through a parent (its names all belong to
 * more specific listeners) stays Accepted, as attachment depends only on allowedRoutes and
 * parentRefs, but its Accepted message says it gets no traffic and why.
 */
export function settleRoute(
  ctx: Context,
  res: Resource<unknown>,
  outcomes: readonly ParentOutcome[],
  verdict: RouteVerdict,
  use: (a: Attachment, outcome: ParentOutcome) => AttachmentResult,
): ObjectStatus | undefined {
  if (!outcomes.length) return undefined;
  const routeKey = `${res.ref.kind}/${res.namespace}/${res.name}`;
  const parents = outcomes.map((o) => {
    let problem = o.problem ?? verdict.rejected;
    let unservedNote: string | undefined;
    const served: object[] = [];
    if (!problem) {
      const refused: string[] = [];
      const unserved: string[] = [];
      for (const a of o.attachments) {
        const p = use(a, o);
        if (p && 'unserved' in p) unserved.push(p.unserved);
        else if (p) refused.push(p.message);
        else served.push(a.listener);
        if (!p || 'unserved' in p) a.listener.attachedRoutes.add(routeKey);
      }
      if (unserved.length && unserved.length + refused.length === o.attachments.length) {
        unservedNote = `route is accepted but gets no traffic through this parent: ${[...unserved, ...refused].join('; ')}`;
      } else if (refused.length === o.attachments.length) {
        problem = { reason: 'NotAllowedByListeners', message: refused.join('; ') };
        ctx.sink.add(res, `spec.parentRefs[${o.index}]`, 'not-allowed-by-listeners', problem.message);
      }
    }
    const conditions: Condition[] = [
      problem
        ? condition('Accepted', false, problem.reason, problem.message, res.generation)
        : condition('Accepted', true, 'Accepted', unservedNote ?? 'route is accepted', res.generation),
      verdict.refs
        ? condition('ResolvedRefs', false, verdict.refs.reason, verdict.refs.message, res.generation)
        : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', res.generation),
    ];
    if (verdict.partial && !verdict.rejected) {
      conditions.push(condition('PartiallyInvalid', true, verdict.partial.reason, verdict.partial.message, res.generation));
    }
    const policies = appliedPoliciesCondition([...served, ...served.map((l) => routeThrough(res, l))], res.generation);
    if (policies) conditions.push(policies);
    return { parentRef: o.parentRef, controllerName: ctx.options.controllerName, conditions };
  });
  return { kind: res.ref.kind, namespace: res.namespace, name: res.name, status: { parents } };
}
