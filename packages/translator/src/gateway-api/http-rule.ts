// One HTTPRoute rule as IR routes: filters, backendRefs (unresolvable ones answer 500), one route per match.
import type { HashPolicy, Route, RouteAction, WeightedBackend } from '@tidegate/ir';
import type { Problem, Resource } from '../resources';
import { resolveBackendRef } from './backend-refs';
import type { Context } from './context';
import { HTTP_FILTERS, type FilterContext, type HttpFilter, type RuleDraft } from './filters';
import { toRouteMatch } from './http-match';
import type { HttpFilterSpec, HttpRouteRuleSpec, HttpRouteSpec } from './http-route-schema';
import type { Needs, RouteEntry } from './proxy-group-builder';
import { reasonCode } from './problems';
import { precedenceKey } from './route-precedence';
import { timeoutsAndRetry } from './route-timeouts';

export interface RuleResult {
  entries: RouteEntry[];
  needs: Needs;
  /** Unresolved references (ResolvedRefs False); the rule still serves. */
  refProblems: Problem[];
  /** Why the rule was left out, if it was. */
  invalid?: string;
}

const FILTERS_BY_TYPE = new Map(HTTP_FILTERS.map((f) => [f.type, f]));

/** Translates rule `i` of an HTTPRoute. */
export function translateRule(ctx: Context, route: Resource<{ spec: HttpRouteSpec }>, rule: HttpRouteRuleSpec, i: number): RuleResult {
  const path = `spec.rules[${i}]`;
  const result: RuleResult = { entries: [], needs: { backends: [], secrets: [] }, refProblems: [] };
  const draft: RuleDraft = { mirrors: [], needs: result.needs };
  const invalid = (message: string, field: string) => {
    if (result.invalid) return;
    result.invalid = message;
    ctx.sink.add(route, `${path}${field}`, 'invalid-rule', message);
  };
  const fctx = (filterPath: string): FilterContext => ({
    ctx,
    route,
    path: filterPath,
    refProblem: (problem, field, code) => {
      result.refProblems.push(problem);
      ctx.sink.add(route, `${filterPath}${field}`, code, problem.message);
    },
    invalid: (message, field) => invalid(message, `${filterPath.slice(path.length)}${field}`),
  });

  applyFilters(rule.filters ?? [], draft, `${path}.filters`, fctx, invalid);
  if (draft.redirect && (draft.rewrite || draft.hostRewrite)) invalid('RequestRedirect and URLRewrite cannot be used in the same rule', '.filters');
  if (draft.redirect && draft.direct) invalid('RequestRedirect and a direct response cannot be used in the same rule', '.filters');

  const { backends, hashPolicy } = resolveBackends(ctx, route, rule, path, result, invalid);
  const matches = rule.matches?.length ? rule.matches : [undefined];
  const irMatches = matches.map((m, j) => {
    const r = toRouteMatch(m);
    if (!r.ok) invalid(r.message, `.matches[${j}]${r.field}`);
    else if (draft.needsPrefixMatch && r.match.path.type !== 'prefix') {
      invalid(`${draft.needsPrefixMatch} needs every match to be a PathPrefix match`, `.matches[${j}].path`);
    }
    return r.ok ? r.match : undefined;
  });
  if (result.invalid) return { ...result, entries: [], needs: { backends: [], secrets: [] } };

  const action = ruleAction(draft, backends);
  irMatches.forEach((match, j) => {
    if (!match) return;
    const ir: Route = { name: `httproute/${route.namespace}/${route.name}/rule/${i}/match/${j}`, match, action };
    if (action.kind === 'forward') {
      if (draft.rewrite) ir.rewrite = draft.rewrite;
      if (draft.hostRewrite) ir.hostRewrite = draft.hostRewrite;
      if (draft.requestHeaders) ir.requestHeaders = draft.requestHeaders;
      Object.assign(ir, timeoutsAndRetry(rule));
      if (draft.mirrors.length) ir.mirrors = draft.mirrors;
      if (hashPolicy.length) ir.hashPolicy = hashPolicy;
    }
    if (draft.responseHeaders) ir.responseHeaders = draft.responseHeaders;
    if (draft.cors) ir.cors = draft.cors;
    result.entries.push({ route: ir, key: precedenceKey(match, route, i, j) });
  });
  return result;
}

function applyFilters(
  filters: readonly HttpFilterSpec[],
  draft: RuleDraft,
  base: string,
  fctx: (path: string) => FilterContext,
  invalid: (message: string, field: string) => void,
): void {
  const seen = new Set<string>();
  filters.forEach((f, k) => {
    const handler = FILTERS_BY_TYPE.get(f.type) as HttpFilter;
    if (seen.has(f.type) && !handler.repeatable) {
      invalid(`filter ${f.type} appears more than once`, `.filters[${k}]`);
      return;
    }
    seen.add(f.type);
    handler.apply(f[handler.field], draft, fctx(`${base}[${k}]`));
  });
}

/**
 * Resolved backendRefs with their backend-level filters. An unresolvable one
 * is left out: its share of traffic then goes to the others (see README: the
 * IR cannot yet express "this share answers 500").
 */
function resolveBackends(
  ctx: Context,
  route: Resource<{ spec: HttpRouteSpec }>,
  rule: HttpRouteRuleSpec,
  path: string,
  result: RuleResult,
  invalid: (message: string, field: string) => void,
): { backends: WeightedBackend[]; hashPolicy: HashPolicy[] } {
  const backends: WeightedBackend[] = [];
  const hashPolicy: HashPolicy[] = [];
  (rule.backendRefs ?? []).forEach((ref, k) => {
    const field = `${path}.backendRefs[${k}]`;
    const r = resolveBackendRef(ctx, 'HTTPRoute', route.namespace, ref);
    if (!r.ok) {
      result.refProblems.push(r.problem);
      ctx.sink.add(route, field, reasonCode(r.problem.reason), r.problem.message);
      return;
    }
    const wb: WeightedBackend = { backend: r.backend.name, weight: ref.weight ?? 1 };
    (ref.filters ?? []).forEach((f, n) => {
      const handler = FILTERS_BY_TYPE.get(f.type) as HttpFilter;
      if (!handler.applyToBackend) invalid(`filter ${f.type} is not supported on a backendRef`, `.backendRefs[${k}].filters[${n}]`);
      else handler.applyToBackend((f as HttpFilterSpec)[handler.field], wb);
    });
    backends.push(wb);
    result.needs.backends.push(r.backend);
    result.needs.secrets.push(...r.secrets);
    for (const h of r.hashPolicy) if (!hashPolicy.some((x) => JSON.stringify(x) === JSON.stringify(h))) hashPolicy.push(h);
  });
  return { backends, hashPolicy };
}

/**
 * An unresolvable custom filter answers 500; then a redirect or direct
 * response; else forward to the resolved backends, or 500 when none resolved.
 */
function ruleAction(draft: RuleDraft, backends: WeightedBackend[]): RouteAction {
  if (draft.broken) return { kind: 'direct', status: 500 };
  if (draft.redirect) return draft.redirect;
  if (draft.direct) return draft.direct;
  if (!backends.length) return { kind: 'direct', status: 500 };
  return { kind: 'forward', backends };
}

