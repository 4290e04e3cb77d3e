// HTTPRoutes and GRPCRoutes: translate rules once, attach to HTTP(S) listeners (one kind per hostname), report status.
import type { ObjectStatus } from '@tidegate/common';
import { byAge, type KindSchema, type Problem, type Resource } from '../resources';
import type { Context } from './context';
import type { ListenerState } from './gateway-state';
import { GRPC_RULES } from './grpc-rule';
import { GRPCRouteKind } from './grpc-route-schema';
import { hostnameMatches } from './hostnames';
import { HTTP_RULES } from './http-rule';
import { HTTPRouteKind } from './http-route-schema';
import { attachToParents, type ParentOutcome } from './parent-refs';
import { joinProblems } from './problems';
import type { Needs, RouteEntry } from './proxy-group-builder';
import { translateRule, type RuleKind, type RuleResult, type RuleSpec } from './route-rule';
import { settleRoute, type RouteVerdict } from './route-status';
import type { SecurityPolicies } from './security-policy';

/** Gateway API's default when `rules` is absent: one rule matching every request (and, with no backend, answering an error). */
const DEFAULT_RULES: RuleSpec[] = [{}];

interface Translated {
  res: Resource<{ spec: { hostnames?: string[] | undefined } }>;
  kind: string;
  outcomes: ParentOutcome[];
  verdict: RouteVerdict;
  entries: RouteEntry[];
  needs: Needs;
}

/**
 * Adds every HTTPRoute and GRPCRoute to the listeners it attaches to and
 * returns their statuses. Gateway API never merges the two kinds: when routes
 * of both kinds reach one listener with overlapping hostnames, the oldest
 * route (then namespace/name) keeps the listener and the other is refused there.
 * SecurityPolicies apply per listener, as one may target the Gateway or listener.
 */
export function translateHttpRoutes(ctx: Context, security: SecurityPolicies): ObjectStatus[] {
  const routes = [...translateAll(ctx, HTTPRouteKind, HTTP_RULES), ...translateAll(ctx, GRPCRouteKind, GRPC_RULES)].sort((a, b) =>
    byAge(a.res, b.res),
  );
  // Per listener and route kind, the hostnames routes already took there.
  const claims = new Map<ListenerState, Map<string, Array<{ route: Translated; hostnames: string[] }>>>();
  const statuses: ObjectStatus[] = [];
  for (const t of routes) {
    const status = settleRoute(ctx, t.res, t.outcomes, t.verdict, (a) => {
      let byKind = claims.get(a.listener);
      if (!byKind) claims.set(a.listener, (byKind = new Map()));
      for (const [kind, taken] of byKind) {
        if (kind === t.kind) continue;
        const rival = taken.find((c) => overlaps(c.hostnames, a.hostnames));
        if (rival) return rivalProblem(t, rival.route, a.listener.name);
      }
      let mine = byKind.get(t.kind);
      if (!mine) byKind.set(t.kind, (mine = []));
      mine.push({ route: t, hostnames: a.hostnames });
      const secured = security.apply(t.res, t.entries, a.listener);
      const needs = { ...t.needs, backends: [...t.needs.backends, ...secured.needs.backends], secrets: [...t.needs.secrets, ...secured.needs.secrets] };
      return a.listener.gateway.builder.addHttpRoutes(a.listener, a.hostnames, secured.entries, needs);
    });
    if (status) statuses.push(status);
  }
  return statuses;
}

function translateAll<R extends RuleSpec>(
  ctx: Context,
  def: KindSchema<{ spec: { parentRefs?: unknown; hostnames?: string[] | undefined; rules?: R[] | undefined } }>,
  rules: RuleKind<R>,
): Translated[] {
  const out: Translated[] = [];
  for (const res of ctx.index.list(def)) {
    const outcomes = attachToParents(ctx, { kind: def.kind, res: res as Parameters<typeof attachToParents>[1]['res'], usesHostnames: true });
    if (!outcomes.length) continue;
    const specRules = (res.body.spec.rules ?? (DEFAULT_RULES as R[])) as R[];
    const translateRules = (c: Context): RuleResult[] => specRules.map((rule, i) => translateRule(c, res, rule, i, rules));
    const results = ctx.options.cache ? ctx.options.cache.rulesOf(res.object, ctx, translateRules) : translateRules(ctx);
    const valid = results.filter((r) => !r.invalid);
    const dropped = results.flatMap((r, i) => (r.invalid ? [{ label: ruleLabel(specRules[i], i), problem: r.invalid }] : []));
    const refs = joinProblems(results.flatMap((r) => r.refProblems));
    const droppedText = dropped.map((d) => `${d.label}: ${d.problem.message}`).join('; ');
    const verdict: RouteVerdict = {};
    if (refs) verdict.refs = refs;
    if (!valid.length) verdict.rejected = { reason: dropped[0]?.problem.reason ?? 'UnsupportedValue', message: `no rule can be served: ${droppedText}` };
    // Gateway API: the message of PartiallyInvalid starts with "Dropped Rule".
    else if (dropped.length) verdict.partial = { reason: 'UnsupportedValue', message: `Dropped Rule${dropped.length > 1 ? 's' : ''}: ${droppedText}` };
    out.push({
      res,
      kind: def.kind,
      outcomes,
      verdict,
      entries: valid.flatMap((r) => r.entries),
      needs: {
        backends: valid.flatMap((r) => r.needs.backends),
        secrets: valid.flatMap((r) => r.needs.secrets),
        servicePorts: results.flatMap((r) => r.needs.servicePorts),
      },
    });
  }
  return out;
}

const ruleLabel = (rule: RuleSpec | undefined, i: number): string => (rule?.name ? `rule ${i} (${rule.name})` : `rule ${i}`);

/** Whether two hostname sets (`*` for any) share a name a request could carry. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const meet = (x: string, y: string) => x === '*' || y === '*' || x === y || hostnameMatches(x, y) || hostnameMatches(y, x) || wildcardsOverlap(x, y);
  return a.some((x) => b.some((y) => meet(x, y)));
}

/** `*.a.example.com` and `*.example.com` both take `x.a.example.com`. */
function wildcardsOverlap(x: string, y: string): boolean {
  if (!x.startsWith('*.') || !y.startsWith('*.')) return false;
  return x.endsWith(y.slice(1)) || y.endsWith(x.slice(1));
}

function rivalProblem(t: Translated, rival: Translated, listener: string): Problem {
  return {
    reason: 'NotAllowedByListeners',
    message: `listener ${listener}: ${rival.kind} ${rival.res.namespace}/${rival.res.name} takes precedence (older, or first by namespace/name) for overlapping hostnames, and ${t.kind} and ${rival.kind} are never mixed on one hostname`,
  };
}
