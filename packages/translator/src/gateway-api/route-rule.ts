// One HTTPRoute or GRPCRoute rule as IR routes: filters, weighted backends (invalid shares answer errors), one route per match.
import type { HashPolicy, Route, RouteAction, RouteMatch, SessionPersistence, WeightedBackend } from '@tidegate/ir';
import type { Problem, Resource } from '../resources';
import { resolveBackendRef, type ResolveOptions } from './backend-refs';
import type { BackendObjectRef } from './common-schema';
import type { Context } from './context';
import type { FilterContext, FilterSpec, HttpFilter, RuleDraft } from './filters';
import type { Needs, RouteEntry } from './proxy-group-builder';
import { reasonCode } from './problems';
import type { PrecedenceKey } from './route-precedence';
import { toSessionPersistence, type SessionPersistenceSpec } from './session-persistence';

/** The parts of a rule every HTTP-like route kind has. */
export interface RuleSpec {
  name?: string | undefined;
  filters?: FilterSpec[] | undefined;
  backendRefs?: Array<BackendObjectRef & { weight?: number | undefined; filters?: FilterSpec[] | undefined }> | undefined;
  sessionPersistence?: SessionPersistenceSpec | undefined;
}

export type MatchOutcome = { ok: true; match: RouteMatch; key: PrecedenceKey } | { ok: false; field: string; message: string };

/** What one route kind (HTTPRoute, GRPCRoute) contributes to rule translation. */
export interface RuleKind<R extends RuleSpec> {
  /** `HTTPRoute`: also the ReferenceGrant `from` kind. */
  kind: string;
  /** Prefix of IR route names, e.g. `httproute`. */
  prefix: string;
  filters: readonly HttpFilter[];
  resolve: ResolveOptions;
  /**
   * Status for requests a rule cannot forward because no backendRef resolved:
   * 500 for HTTP; 503 for gRPC, which clients read as UNAVAILABLE.
   */
  noBackendStatus: 500 | 503;
  /** The rule's matches as IR matches with their precedence (an absent list means "everything"). */
  matches(rule: R, route: Resource<unknown>, ruleIndex: number): MatchOutcome[];
  /** Settings of forwarding routes only this kind has (HTTPRoute timeouts and retry). */
  forwardSettings?(rule: R): Partial<Route>;
  /** Whether `sessionPersistence` is honoured (else the rule is dropped as UnsupportedValue). */
  sessionPersistence?: boolean;
}

export interface RuleResult {
  entries: RouteEntry[];
  needs: Required<Needs>;
  /** Unresolved references (ResolvedRefs False); the rule still serves. */
  refProblems: Problem[];
  /** Why the rule was left out, if it was. */
  invalid?: Problem;
}

/** Translates rule `i` of a route. */
export function translateRule<R extends RuleSpec>(ctx: Context, route: Resource<unknown>, rule: R, i: number, kind: RuleKind<R>): RuleResult {
  const path = `spec.rules[${i}]`;
  const result: RuleResult = { entries: [], needs: { backends: [], secrets: [], servicePorts: [] }, refProblems: [] };
  const draft: RuleDraft = { mirrors: [], needs: result.needs };
  const byType = new Map(kind.filters.map((f) => [f.type, f]));
  const invalid = (message: string, field: string, reason = 'UnsupportedValue') => {
    if (result.invalid) return;
    result.invalid = { reason, message };
    ctx.sink.add(route, `${path}${field}`, 'invalid-rule', message);
  };
  const resolve = (ref: BackendObjectRef) => {
    const namespace = ref.namespace ?? route.namespace;
    if (ref.port !== undefined && (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '') {
      result.needs.servicePorts.push({ namespace, service: ref.name, port: ref.port });
    }
    // A transcoding rule sends gRPC: its backends speak HTTP/2 whatever the route kind.
    return resolveBackendRef(ctx, kind.kind, route.namespace, ref, draft.grpcJsonTranscoder ? { ...kind.resolve, grpc: true } : kind.resolve);
  };
  const fctx = (filterPath: string): FilterContext => ({
    ctx,
    route,
    path: filterPath,
    resolveBackend: resolve,
    refProblem: (problem, field, code) => {
      result.refProblems.push(problem);
      ctx.sink.add(route, `${filterPath}${field}`, code, problem.message);
    },
    invalid: (message, field, reason) => invalid(message, `${filterPath.slice(path.length)}${field}`, reason),
  });

  let session: ((match: RouteMatch) => SessionPersistence) | undefined;
  if (rule.sessionPersistence !== undefined) {
    const r = kind.sessionPersistence ? toSessionPersistence(rule.sessionPersistence) : undefined;
    if (!r) invalid(`sessionPersistence is not supported on ${kind.kind}`, '.sessionPersistence');
    else if (!r.ok) invalid(r.message, `.sessionPersistence${r.field}`);
    else session = r.forMatch;
  }
  applyFilters(rule.filters ?? [], byType, draft, `${path}.filters`, fctx, invalid);
  if (draft.redirect && (draft.rewrite || draft.hostRewrite)) invalid('RequestRedirect and URLRewrite cannot be used in the same rule', '.filters', 'IncompatibleFilters');
  if (draft.redirect && draft.direct) invalid('RequestRedirect and a direct response cannot be used in the same rule', '.filters', 'IncompatibleFilters');

  const { backends, hashPolicy, invalidWeight } = resolveBackends(ctx, route, rule, path, byType, resolve, result, invalid);
  const matches = kind.matches(rule, route, i).map((m, j) => {
    if (!m.ok) invalid(m.message, `.matches[${j}]${m.field}`);
    else if (draft.needsPrefixMatch && m.match.path.type !== 'prefix') {
      invalid(`${draft.needsPrefixMatch} needs every match to be a PathPrefix match`, `.matches[${j}].path`);
    }
    return m.ok ? m : undefined;
  });
  if (result.invalid) return { ...result, entries: [], needs: { backends: [], secrets: [], servicePorts: [] } };

  const action = ruleAction(draft, backends, invalidWeight, kind.noBackendStatus);
  const ruleId = rule.name ?? String(i);
  matches.forEach((m, j) => {
    if (!m) return;
    const ir: Route = { name: `${kind.prefix}/${route.namespace}/${route.name}/rule/${ruleId}/match/${j}`, match: m.match, action };
    if (action.kind === 'forward') {
      if (draft.rewrite) ir.rewrite = draft.rewrite;
      if (draft.hostRewrite) ir.hostRewrite = draft.hostRewrite;
      if (draft.requestHeaders) ir.requestHeaders = draft.requestHeaders;
      if (kind.forwardSettings) Object.assign(ir, kind.forwardSettings(rule));
      if (draft.mirrors.length) ir.mirrors = draft.mirrors;
      if (hashPolicy.length) ir.hashPolicy = hashPolicy;
      if (session) ir.sessionPersistence = session(m.match);
      if (draft.grpcJsonTranscoder) ir.grpcJsonTranscoder = draft.grpcJsonTranscoder;
    }
    if (draft.responseHeaders) ir.responseHeaders = draft.responseHeaders;
    if (draft.cors) ir.cors = draft.cors;
    result.entries.push(rule.name !== undefined ? { route: ir, key: m.key, rule: rule.name } : { route: ir, key: m.key });
  });
  return result;
}

function applyFilters(
  filters: readonly FilterSpec[],
  byType: ReadonlyMap<string, HttpFilter>,
  draft: RuleDraft,
  base: string,
  fctx: (path: string) => FilterContext,
  invalid: (message: string, field: string, reason?: string) => void,
): void {
  const seen = new Set<string>();
  filters.forEach((f, k) => {
    const handler = byType.get(f.type) as HttpFilter;
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
 * keeps its weight as `invalidWeight`: that share of requests fails (500, or
 * UNAVAILABLE for gRPC), as Gateway API requires, rather than going to the
 * other backends.
 */
function resolveBackends(
  ctx: Context,
  route: Resource<unknown>,
  rule: RuleSpec,
  path: string,
  byType: ReadonlyMap<string, HttpFilter>,
  resolve: (ref: BackendObjectRef) => ReturnType<typeof resolveBackendRef>,
  result: RuleResult,
  invalid: (message: string, field: string, reason?: string) => void,
): { backends: WeightedBackend[]; hashPolicy: HashPolicy[]; invalidWeight: number } {
  const backends: WeightedBackend[] = [];
  const hashPolicy: HashPolicy[] = [];
  let invalidWeight = 0;
  (rule.backendRefs ?? []).forEach((ref, k) => {
    const field = `${path}.backendRefs[${k}]`;
    const weight = ref.weight ?? 1;
    const r = resolve(ref);
    if (!r.ok) {
      invalidWeight += weight;
      if (!r.unusable) {
        result.refProblems.push(r.problem);
        ctx.sink.add(route, field, reasonCode(r.problem.reason), r.problem.message);
      }
      return;
    }
    const wb: WeightedBackend = { backend: r.backend.name, weight };
    (ref.filters ?? []).forEach((f, n) => {
      const handler = byType.get(f.type) as HttpFilter;
      if (!handler.applyToBackend) invalid(`filter ${f.type} is not supported on a backendRef`, `.backendRefs[${k}].filters[${n}]`);
      else handler.applyToBackend(f[handler.field], wb);
    });
    backends.push(wb);
    result.needs.backends.push(r.backend);
    result.needs.secrets.push(...r.secrets);
    for (const h of r.hashPolicy) if (!hashPolicy.some((x) => JSON.stringify(x) === JSON.stringify(h))) hashPolicy.push(h);
  });
  return { backends, hashPolicy, invalidWeight };
}

/**
 * An unresolvable custom filter answers 500; then a redirect or direct
 * response; else forward to the backends. The invalid share, or every request
 * when no valid backend has weight, answers `noBackendStatus` (Gateway API:
 * 500 for HTTP, UNAVAILABLE for gRPC).
 */
function ruleAction(draft: RuleDraft, backends: WeightedBackend[], invalidWeight: number, noBackendStatus: 500 | 503): RouteAction {
  if (draft.broken) return { kind: 'direct', status: 500 };
  if (draft.redirect) return draft.redirect;
  if (draft.direct) return draft.direct;
  // No backend could take a request (none valid, or every valid one weighted 0): all get the error.
  if (backends.every((b) => b.weight === 0)) return { kind: 'direct', status: noBackendStatus };
  const action: RouteAction = { kind: 'forward', backends };
  if (invalidWeight > 0) {
    action.invalidWeight = invalidWeight;
    if (noBackendStatus !== 500) action.invalidStatus = noBackendStatus;
  }
  return action;
}
