// HTTPRoutes: translate rules once, attach to listeners through parentRefs, report status.
import type { ObjectStatus } from '@tidegate/common';
import { joinProblems } from './problems';
import type { Context } from './context';
import { translateRule, type RuleResult } from './http-rule';
import { HTTPRouteKind, type HttpRouteRuleSpec } from './http-route-schema';
import { attachToParents } from './parent-refs';
import { settleRoute } from './route-status';

/** Gateway API's default when `rules` is absent: one rule matching every request (and, with no backend, answering 500). */
const DEFAULT_RULES: HttpRouteRuleSpec[] = [{}];

/** Adds every HTTPRoute's routes to the Gateways it attaches to; returns their statuses. */
export function translateHttpRoutes(ctx: Context): ObjectStatus[] {
  const statuses: ObjectStatus[] = [];
  for (const res of ctx.index.list(HTTPRouteKind)) {
    const outcomes = attachToParents(ctx, { kind: 'HTTPRoute', res, usesHostnames: true });
    if (!outcomes.length) continue;
    const results: RuleResult[] = (res.body.spec.rules ?? DEFAULT_RULES).map((rule, i) => translateRule(ctx, res, rule, i));
    const valid = results.filter((r) => !r.invalid);
    const dropped = results.flatMap((r, i) => (r.invalid ? [`rule ${i}: ${r.invalid}`] : []));
    const entries = valid.flatMap((r) => r.entries);
    const needs = { backends: valid.flatMap((r) => r.needs.backends), secrets: valid.flatMap((r) => r.needs.secrets) };
    const refs = joinProblems(results.flatMap((r) => r.refProblems));
    const verdict = {
      ...(refs ? { refs } : {}),
      ...(valid.length ? {} : { rejected: { reason: 'UnsupportedValue', message: `no rule can be served: ${dropped.join('; ')}` } }),
      ...(dropped.length ? { partial: { reason: 'UnsupportedValue', message: `dropped ${dropped.join('; ')}` } } : {}),
    };
    const status = settleRoute(ctx, res, outcomes, verdict, (a) => {
      a.listener.gateway.builder.addHttpRoutes(a.listener, a.hostnames, entries, needs);
      return undefined;
    });
    if (status) statuses.push(status);
  }
  return statuses;
}
