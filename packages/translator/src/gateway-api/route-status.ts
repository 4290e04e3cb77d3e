// status.parents[] of a route: Accepted, ResolvedRefs and (when some rules were dropped) PartiallyInvalid.
import type { Condition, ObjectStatus } from '@tidegate/common';
import { condition, type Problem, type Resource } from '../resources';
import type { Context } from './context';
import type { Attachment, ParentOutcome } from './parent-refs';

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
 */
export function settleRoute(
  ctx: Context,
  res: Resource<unknown>,
  outcomes: readonly ParentOutcome[],
  verdict: RouteVerdict,
  use: (a: Attachment, outcome: ParentOutcome) => Problem | undefined,
): ObjectStatus | undefined {
  if (!outcomes.length) return undefined;
  const routeKey = `${res.ref.kind}/${res.namespace}/${res.name}`;
  const parents = outcomes.map((o) => {
    let problem = o.problem ?? verdict.rejected;
    if (!problem) {
      const refused: string[] = [];
      for (const a of o.attachments) {
        const p = use(a, o);
        if (p) refused.push(p.message);
        else a.listener.attachedRoutes.add(routeKey);
      }
      if (refused.length === o.attachments.length) {
        problem = { reason: 'NotAllowedByListeners', message: refused.join('; ') };
        ctx.sink.add(res, `spec.parentRefs[${o.index}]`, 'not-allowed-by-listeners', problem.message);
      }
    }
    const conditions: Condition[] = [
      problem
        ? condition('Accepted', false, problem.reason, problem.message, res.generation)
        : condition('Accepted', true, 'Accepted', 'route is accepted', res.generation),
      verdict.refs
        ? condition('ResolvedRefs', false, verdict.refs.reason, verdict.refs.message, res.generation)
        : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', res.generation),
    ];
    if (verdict.partial && !verdict.rejected) {
      conditions.push(condition('PartiallyInvalid', true, verdict.partial.reason, verdict.partial.message, res.generation));
    }
    return { parentRef: o.parentRef, controllerName: ctx.options.controllerName, conditions };
  });
  return { kind: res.ref.kind, namespace: res.namespace, name: res.name, status: { parents } };
}
