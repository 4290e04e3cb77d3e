// One host's routes: which Ingress wins each path, the canaries that join it, and the routes they make.
import type { Backend, Route, Secret, VirtualHost } from '@tidegate/ir';
import { ErrorSink, type TranslationError } from '../resources';
import { canaryGroup } from './annotations/canary';
import { fallbackGroup } from './annotations/fallback';
import { headersGroup } from './annotations/headers';
import { redirectGroup } from './annotations/redirect';
import { ANNOTATION_GROUPS } from './annotations/registry';
import { enforcesRegex, rewriteGroup } from './annotations/rewrite';
import { applyRouteDefaults } from './annotations/timeouts';
import { resolveIngressBackend } from './backends';
import { withCanaries, type CanaryTarget } from './canary-routes';
import type { IngressContext } from './context';
import { settingsOf, type ParsedIngress } from './ingress-settings';
import { conditionCount, entryMatch } from './match';
import type { PathEntry } from './paths';
import type { IngressOutcome } from './status';

/** One host+path an Ingress won, with the canaries that joined it. */
export interface Claim {
  entry: PathEntry;
  seq: number;
  match: Extract<ReturnType<typeof entryMatch>, { ok: true }>;
  canaries: PathEntry[];
  routes: Route[];
}

export interface Needs {
  backends: Map<string, Backend>;
  secrets: Map<string, Secret>;
}

/** One host's path entries, in translation order (oldest Ingress first). */
export interface HostEntries {
  primaries: PathEntry[];
  canaries: PathEntry[];
}

/** What translating one host gave: its claims with routes, and the effects to apply. */
export interface HostResult {
  /** In route order (see compareClaims). */
  claims: Claim[];
  errors: TranslationError[];
  outcomes: Map<ParsedIngress, IngressOutcome>;
  needs: Needs;
  /** The host's virtual hosts, kept while what else they depend on (app-root, TLS redirects) is the same. */
  vhosts?: { rootKey: string; tls: boolean; /** whether the gateway has an HTTPS listener */ https: boolean; httpVhost: VirtualHost; httpsVhost: VirtualHost };
}

/** Claims, canaries and routes of one host; errors and outcomes are collected, not applied. */
export function translateHost(h: HostEntries, ctx: IngressContext): HostResult {
  const sink = new ErrorSink();
  const local: IngressContext = { ...ctx, sink };
  const outcomes = new Map<ParsedIngress, IngressOutcome>();
  const outcome = (p: ParsedIngress): IngressOutcome => {
    let o = outcomes.get(p);
    if (!o) outcomes.set(p, (o = { parsed: p, paths: 0, served: 0, notServed: [], unresolved: [] }));
    return o;
  };
  const regexHosts = new Set(h.primaries.filter((e) => enforcesRegex(settingsOf(e.ingress, rewriteGroup))).map((e) => e.host));
  const claims = claimPaths(h.primaries, regexHosts, local, outcome);
  attachCanaries(h.canaries, claims, regexHosts, local, outcome);
  const needs: Needs = { backends: new Map(), secrets: new Map() };
  for (const claim of claims) claim.routes = claimRoutes(claim, local, outcome, needs);
  return { claims: claims.sort(compareClaims), errors: sink.errors, outcomes, needs };
}

/** Each host+path goes to the oldest Ingress claiming it; later claimants are told why not. */
function claimPaths(entries: PathEntry[], regexHosts: Set<string>, ctx: IngressContext, outcome: (p: ParsedIngress) => IngressOutcome): Claim[] {
  const claimed = new Map<string, Claim>();
  const ordered = [...entries.filter((e) => !e.fallback), ...entries.filter((e) => e.fallback)];
  ordered.forEach((entry, seq) => {
    const res = entry.ingress.res;
    const m = entryMatch(entry, regexHosts.has(entry.host));
    if (!m.ok) {
      ctx.sink.add(res, `${entry.field}.path`, 'invalid-path', m.message);
      outcome(entry.ingress).notServed.push(`${entry.field}: ${m.message}`);
      return;
    }
    const owner = claimed.get(m.key);
    if (owner) {
      if (entry.fallback) return;
      const o = owner.entry.ingress.res;
      const why =
        o === res
          ? `host ${entry.host} path ${entry.path} (${entry.pathType}) is listed earlier in this Ingress (${owner.entry.field})`
          : `host ${entry.host} path ${entry.path} (${entry.pathType}) is already served by Ingress ${o.namespace}/${o.name}, which is older (creationTimestamp, then namespace/name)`;
      ctx.sink.add(res, entry.field, 'conflict', why);
      outcome(entry.ingress).notServed.push(`${entry.field}: ${why}`);
      return;
    }
    claimed.set(m.key, { entry, seq, match: m, canaries: [], routes: [] });
    if (!entry.fallback) outcome(entry.ingress).served++;
  });
  return [...claimed.values()];
}

/** A canary path joins every primary route with the same host and path. */
function attachCanaries(entries: PathEntry[], claims: Claim[], regexHosts: Set<string>, ctx: IngressContext, outcome: (p: ParsedIngress) => IngressOutcome): void {
  const byBase = new Map<string, Claim[]>();
  for (const c of claims) {
    const list = byBase.get(c.match.baseKey);
    if (list) list.push(c);
    else byBase.set(c.match.baseKey, [c]);
  }
  for (const entry of entries) {
    if (entry.fallback) continue;
    const m = entryMatch(entry, regexHosts.has(entry.host));
    const targets = m.ok ? byBase.get(m.baseKey) : undefined;
    if (!targets) {
      const why = `canary path ${entry.path} on host ${entry.host} has no primary Ingress with the same host and path`;
      ctx.sink.add(entry.ingress.res, entry.field, 'canary-without-primary', why);
      outcome(entry.ingress).notServed.push(`${entry.field}: ${why}`);
      continue;
    }
    for (const t of targets) t.canaries.push(entry);
    outcome(entry.ingress).served++;
  }
}

function claimRoutes(claim: Claim, ctx: IngressContext, outcome: (p: ParsedIngress) => IngressOutcome, needs: Needs): Route[] {
  const { entry } = claim;
  const p = entry.ingress;
  const route: Route = { name: entry.routeName, match: claim.match.match, action: { kind: 'forward', backends: [] } };
  const redirect = settingsOf(p, redirectGroup)?.redirect;
  if (redirect) {
    route.action = { kind: 'redirect', ...redirect };
    return [route];
  }
  const b = resolveIngressBackend(p, entry.backend, entry.field, ctx);
  const fallback = settingsOf(p, fallbackGroup)?.defaultBackend;
  if (!b.ok) ctx.sink.add(p.res, b.field, b.code, b.message);
  // ingress-nginx sends requests for a Service without ready endpoints to default-backend; a
  // Service (or port) that does not exist is to it a Service without endpoints.
  const noEndpoints = b.ok ? b.empty : b.code === 'backend-not-found' && entry.backend.service !== undefined;
  if (fallback && noEndpoints) {
    route.action = { kind: 'forward', backends: [{ backend: fallback.name, weight: 1 }] };
    needs.backends.set(fallback.name, fallback);
    if (!b.ok) outcome(p).unresolved.push(`${b.message} (default-backend serves the path)`);
  } else if (!b.ok) {
    outcome(p).unresolved.push(b.message);
    if (claim.canaries.length === 0) route.action = { kind: 'direct', status: 503, body: 'no backend\n', contentType: 'text/plain' };
  } else {
    route.action = { kind: 'forward', backends: b.backends.map((wb) => ({ backend: wb.backend.name, weight: wb.weight })) };
    for (const wb of b.backends) needs.backends.set(wb.backend.name, wb.backend);
    for (const s of b.secrets) needs.secrets.set(s.name, s);
  }
  if (route.action.kind === 'forward') applyRouteDefaults(route);
  const rc = { path: entry.path, pathType: entry.pathType, regex: claim.match.regex };
  for (const group of ANNOTATION_GROUPS) {
    const s = p.settings.get(group);
    if (s !== undefined && group.route && route.action.kind === 'forward') group.route(s, route, rc);
  }
  const targets: CanaryTarget[] = claim.canaries.map((c) => {
    const cr = resolveIngressBackend(c.ingress, c.backend, c.field, ctx);
    const target: CanaryTarget = { name: `${c.ingress.res.namespace}/${c.ingress.res.name}`, settings: settingsOf(c.ingress, canaryGroup) ?? {} };
    const headers = settingsOf(c.ingress, headersGroup);
    if (headers) target.headers = headers;
    if (cr.ok) {
      target.backends = cr.backends.map((wb) => ({ backend: wb.backend.name, weight: wb.weight }));
      for (const wb of cr.backends) needs.backends.set(wb.backend.name, wb.backend);
      for (const s of cr.secrets) needs.secrets.set(s.name, s);
    } else {
      ctx.sink.add(c.ingress.res, cr.field, cr.code, cr.message);
      outcome(c.ingress).unresolved.push(cr.message);
    }
    return target;
  });
  return withCanaries(route, targets);
}

/**
 * Envoy takes the first matching route, nginx the most specific location: exact paths
 * first, then longer paths, then routes with more conditions, the defaultBackend fallback
 * last; ties go to the older Ingress and then its own order.
 */
function compareClaims(a: Claim, b: Claim): number {
  const exact = (c: Claim) => (c.entry.pathType === 'Exact' ? 0 : 1);
  return (
    exact(a) - exact(b) ||
    Number(a.entry.fallback ?? false) - Number(b.entry.fallback ?? false) ||
    b.entry.path.length - a.entry.path.length ||
    conditionCount(b.match.match) - conditionCount(a.match.match) ||
    a.seq - b.seq
  );
}
