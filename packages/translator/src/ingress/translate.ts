// The Ingress translator: Ingresses of our class (with ingress-nginx / Higress annotations) → the default gateway's ProxyGroup.
import type { ObjectStatus, SourcedObject } from '@tidegate/common';
import { getLogger } from '@tidegate/common';
import { validateProxyGroup, type Backend, type HttpListener, type ProxyGroup, type Route, type Secret, type VirtualHost } from '@tidegate/ir';
import {
  BackendPolicies,
  BackendPolicyKind,
  byAge,
  EndpointSliceKind,
  ErrorSink,
  type TranslationError,
  ResourceIndex,
  SecretKind,
  ServiceBackends,
  ServiceKind,
  type KindSchema,
} from '../resources';
import { ConfigMapKind } from '../resources/config-map';
import { translateRegistries } from '../registry';
import { canaryGroup } from './annotations/canary';
import { fallbackGroup } from './annotations/fallback';
import { headersGroup } from './annotations/headers';
import { redirectGroup } from './annotations/redirect';
import { ANNOTATION_GROUPS } from './annotations/registry';
import { enforcesRegex, rewriteGroup } from './annotations/rewrite';
import { applyRouteDefaults } from './annotations/timeouts';
import { resolveIngressBackend } from './backends';
import { withCanaries, type CanaryTarget } from './canary-routes';
import { createLookups, type IngressContext } from './context';
import { ourIngresses } from './ingress-class';
import { parseIngress, settingsOf, type ParsedIngress } from './ingress-settings';
import { conditionCount, entryMatch } from './match';
import { pathEntries, type PathEntry } from './paths';
import { ingressStatus, type IngressOutcome } from './status';
import { hostHasTls, ingressCertificates, type IngressCertificates } from './tls-certificates';
import type { IngressTranslateOptions, IngressTranslationResult } from './types';
import { IngressClassKind, IngressKind } from './schema';

const log = getLogger('ingress');

/** Every kind this translator reads. */
export const INGRESS_KINDS: ReadonlyArray<KindSchema<unknown>> = [
  IngressKind,
  IngressClassKind,
  ServiceKind,
  EndpointSliceKind,
  SecretKind,
  ConfigMapKind,
  BackendPolicyKind,
];

/** Annotation groups with listener-wide settings (few: checked for every Ingress on every translation). */
const LISTENER_GROUPS = ANNOTATION_GROUPS.filter((g) => g.listener);

/** One host+path an Ingress won, with the canaries that joined it. */
interface Claim {
  entry: PathEntry;
  seq: number;
  match: Extract<ReturnType<typeof entryMatch>, { ok: true }>;
  canaries: PathEntry[];
  routes: Route[];
}

interface Needs {
  backends: Map<string, Backend>;
  secrets: Map<string, Secret>;
}

/**
 * Translates Ingresses of our class into one ProxyGroup (the default gateway): an HTTP
 * listener, and an HTTPS listener when some Ingress has TLS. Pure: the same objects always
 * give the same result. A mistake in one Ingress is an error (and a status condition); the
 * rest keeps serving.
 */
export function translateIngress(objects: readonly SourcedObject[], options: IngressTranslateOptions): IngressTranslationResult {
  const sink = new ErrorSink();
  const index = new ResourceIndex(objects, INGRESS_KINDS, sink);
  // BackendPolicy problems are reported by the Gateway API translator, which owns that kind.
  const services = new ServiceBackends(index, new BackendPolicies(index, new ErrorSink()));
  // McpBridges' own mistakes are the registry translator's to report.
  const registries = options.registries ?? translateRegistries(objects).catalog;
  const ctx: IngressContext = { index, sink, options, services, lookups: createLookups(index, services), registries };
  const cache = options.cache;
  cache?.begin(objects, options);
  const parsed = ourIngresses(index, options)
    .sort(byAge)
    .map((r) => (cache ? cache.parse(r.object, ctx, (c) => parseIngress(r, c)) : parseIngress(r, ctx)));
  const outcomes = new Map<ParsedIngress, IngressOutcome>(parsed.map((p) => [p, { parsed: p, paths: 0, served: 0, notServed: [], unresolved: [] }]));
  const outcome = (p: ParsedIngress) => outcomes.get(p) as IngressOutcome;

  // Paths only compete with paths of the same host: each host is translated on its own
  // (and, with a cache, only when one of its entries changed).
  const primaries: PathEntry[] = [];
  const hosts = new Map<string, HostEntries>();
  for (const p of parsed) {
    const entries = cache ? cache.pathEntries(p, ctx, (c) => pathEntries(p, c)) : pathEntries(p, ctx);
    outcome(p).paths += entries.filter((e) => !e.fallback).length;
    const canary = settingsOf(p, canaryGroup) !== undefined;
    if (!canary) primaries.push(...entries);
    let h: HostEntries | undefined;
    let hostOfH: string | undefined;
    for (const e of entries) {
      // An Ingress's paths mostly share one host: look it up again only when it changes.
      if (!h || e.host !== hostOfH) {
        hostOfH = e.host;
        h = hosts.get(e.host);
        if (!h) hosts.set(e.host, (h = { primaries: [], canaries: [] }));
      }
      (canary ? h.canaries : h.primaries).push(e);
    }
  }
  const needs: Needs = { backends: new Map(), secrets: new Map() };
  const hostResults = new Map<string, HostResult>();
  for (const [host, h] of hosts) {
    const result = cache ? cache.host(host, h.primaries, h.canaries, () => translateHost(h, ctx)) : translateHost(h, ctx);
    hostResults.set(host, result);
    sink.errors.push(...result.errors);
    for (const [p, d] of result.outcomes) {
      const o = outcome(p);
      o.served += d.served;
      o.notServed.push(...d.notServed);
      o.unresolved.push(...d.unresolved);
    }
    for (const [name, b] of result.needs.backends) needs.backends.set(name, b);
    for (const [name, sec] of result.needs.secrets) needs.secrets.set(name, sec);
  }
  cache?.end();
  const certs = ingressCertificates(parsed, ctx, (p, message) => outcome(p).unresolved.push(message));
  const appRoots = appRootRoutes(parsed, primaries, ctx);

  const statuses = parsed.map((p) => ingressStatus(outcome(p), options.publishAddress));
  const proxyGroups: ProxyGroup[] = [];
  if (parsed.length > 0) {
    const contributed = parsed.filter((p) => outcome(p).served > 0 || certs.contributors.has(`${p.res.namespace}/${p.res.name}`));
    for (const p of contributed) {
      for (const b of p.needs.backends) if (!needs.backends.has(b.name)) needs.backends.set(b.name, b);
      for (const s of p.needs.secrets) if (!needs.secrets.has(s.name)) needs.secrets.set(s.name, s);
    }
    for (const s of certs.secrets) needs.secrets.set(s.name, s);
    const group = buildGroup(hostResults, appRoots, certs, contributed, needs, options);
    const valid = validateProxyGroup(group);
    if (valid.ok) proxyGroups.push(group);
    else {
      // A translator bug, not a user mistake: keep the group out rather than hand on broken IR.
      log.error({ group: group.name, issues: valid.issues }, 'translated ProxyGroup failed IR validation');
      for (const issue of valid.issues) sink.add({ ref: { kind: 'ProxyGroup', name: group.name } }, issue.path, 'internal-error', issue.message);
    }
  }
  const nameKey = (o: { namespace?: string; name: string }) => `${o.namespace}/${o.name}`;
  return {
    proxyGroups,
    statuses: sortedBy(statuses, nameKey, statusKeys),
    errors: sink.sorted(),
    // Ingress by Ingress (each one's findings in annotation order), the Ingresses by name.
    annotationReport: sortedBy(parsed, (p) => nameKey(p.res), parsedKeys).flatMap((p) => findingsInOrder(p)),
  };
}

/**
 * `list` sorted by one string key per element, worked out once per element object (statuses
 * and parsed Ingresses mostly come back as the same objects, so mostly not at all).
 */
function sortedBy<T extends object>(list: readonly T[], key: (item: T) => string, keys: WeakMap<T, string>): T[] {
  const keyOf = (item: T): string => {
    let k = keys.get(item);
    if (k === undefined) keys.set(item, (k = key(item)));
    return k;
  };
  return [...list].sort((a, b) => compare(keyOf(a), keyOf(b)));
}

/** Sort keys of statuses and of parsed Ingresses (one map per key function). */
const statusKeys = new WeakMap<ObjectStatus, string>();
const parsedKeys = new WeakMap<ParsedIngress, string>();

/** An Ingress's annotation findings sorted by annotation, once per parsed Ingress. */
const sortedFindings = new WeakMap<ParsedIngress, ParsedIngress['findings']>();

function findingsInOrder(p: ParsedIngress): ParsedIngress['findings'] {
  let out = sortedFindings.get(p);
  if (!out) sortedFindings.set(p, (out = [...p.findings].sort((a, b) => compare(a.annotation, b.annotation))));
  return out;
}

/** One host's path entries, in translation order (oldest Ingress first). */
interface HostEntries {
  primaries: PathEntry[];
  canaries: PathEntry[];
}

/** What translating one host gave: its claims with routes, and the effects to apply. */
interface HostResult {
  /** In route order (see compareClaims). */
  claims: Claim[];
  errors: TranslationError[];
  outcomes: Map<ParsedIngress, IngressOutcome>;
  needs: Needs;
  /** The host's virtual hosts, kept while what else they depend on (app-root, TLS redirects) is the same. */
  vhosts?: { key: string; http: VirtualHost; https: VirtualHost };
}

/** Claims, canaries and routes of one host; errors and outcomes are collected, not applied. */
function translateHost(h: HostEntries, ctx: IngressContext): HostResult {
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
  if (!b.ok) {
    ctx.sink.add(p.res, b.field, b.code, b.message);
    outcome(p).unresolved.push(b.message);
    if (claim.canaries.length === 0) route.action = { kind: 'direct', status: 503, body: 'no backend\n', contentType: 'text/plain' };
  } else if (b.empty && fallback) {
    // ingress-nginx sends requests for a Service without ready endpoints to default-backend.
    route.action = { kind: 'forward', backends: [{ backend: fallback.name, weight: 1 }] };
    needs.backends.set(fallback.name, fallback);
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

/** app-root: `/` on the Ingress's hosts redirects (302); the oldest Ingress wins a host. */
function appRootRoutes(parsed: ParsedIngress[], primaries: PathEntry[], ctx: IngressContext): Map<string, Route> {
  const out = new Map<string, Route>();
  const owners = new Map<string, ParsedIngress>();
  for (const p of parsed) {
    const root = settingsOf(p, redirectGroup)?.appRoot;
    if (!root || settingsOf(p, canaryGroup)) continue;
    const hosts = [...new Set(primaries.filter((e) => e.ingress === p && !e.fallback).map((e) => e.host))];
    for (const host of hosts) {
      const owner = owners.get(host);
      if (owner) {
        const key = Object.keys(p.res.object.metadata.annotations ?? {}).find((k) => k.endsWith('/app-root')) ?? 'app-root';
        ctx.sink.add(p.res, `metadata.annotations[${JSON.stringify(key)}]`, 'conflict', `app-root for host ${host} is already set by the older Ingress ${owner.res.namespace}/${owner.res.name}`);
        continue;
      }
      owners.set(host, p);
      out.set(host, {
        name: `ingress/${p.res.namespace}/${p.res.name}/app-root`,
        match: { path: { type: 'exact', value: '/' } },
        action: { kind: 'redirect', path: { type: 'full', value: root }, statusCode: 302 },
      });
    }
  }
  return out;
}

function buildGroup(hostResults: Map<string, HostResult>, appRoots: Map<string, Route>, certs: IngressCertificates, contributed: ParsedIngress[], needs: Needs, options: IngressTranslateOptions): ProxyGroup {
  const { gateway } = options;
  const hosts = [...new Set([...hostResults.keys(), ...appRoots.keys()])].filter((h) => appRoots.has(h) || hostResults.get(h)?.claims.length).sort(compareHosts);
  const vhost = (host: string, routes: Route[]): VirtualHost => ({ name: host, domains: [host], routes });
  const httpHosts: VirtualHost[] = [];
  const httpsHosts: VirtualHost[] = [];
  for (const host of hosts) {
    const root = appRoots.get(host);
    const result = hostResults.get(host);
    const list = result?.claims ?? [];
    const redirects = list.map((c) => redirectsToHttps(c, host, certs));
    // Claims are the cached host result's own; what else the virtual hosts depend on is keyed
    // here (an app-root route is rebuilt on every translation, so it is keyed by content).
    const key = `${root ? JSON.stringify(root) : ''}|${redirects.map((r) => (r ? 1 : 0)).join('')}|${gateway.httpsPort}`;
    let built = result?.vhosts;
    if (!built || built.key !== key) {
      const secure = [...(root ? [root] : []), ...list.flatMap((c) => c.routes)];
      const plain = [...(root ? [root] : []), ...list.flatMap((c, i) => (redirects[i] ? [httpsRedirect(c.routes[c.routes.length - 1] as Route, gateway.httpsPort)] : c.routes))];
      built = { key, http: vhost(host, plain), https: vhost(host, secure) };
      if (result) result.vhosts = built;
    }
    httpHosts.push(built.http);
    httpsHosts.push(built.https);
  }
  const listeners: HttpListener[] = [{ name: 'http', address: gateway.address, port: gateway.httpPort, virtualHosts: httpHosts }];
  if (certs.refs.length) {
    listeners.push({ name: 'https', address: gateway.address, port: gateway.httpsPort, tls: { certificates: certs.refs }, virtualHosts: httpsHosts });
  }
  for (const p of contributed) {
    for (const group of LISTENER_GROUPS) {
      const s = p.settings.get(group);
      if (s !== undefined) for (const l of listeners) group.listener?.(s, l);
    }
  }
  return {
    name: gateway.name,
    // Settings first, the long list of virtual hosts last: easier to read in dumps and goldens.
    httpListeners: listeners.map(({ virtualHosts, ...settings }) => ({ ...settings, virtualHosts })),
    tcpListeners: [],
    grpcApiListeners: [],
    backends: [...needs.backends.values()].sort((a, b) => compare(a.name, b.name)),
    secrets: [...needs.secrets.values()].sort((a, b) => compare(a.name, b.name)),
  };
}

/** ingress-nginx: TLS hosts redirect http → https unless ssl-redirect is "false"; force-ssl-redirect does it anyway. */
function redirectsToHttps(c: Claim, host: string, certs: IngressCertificates): boolean {
  const primary = c.routes[c.routes.length - 1];
  if (!primary || primary.action.kind === 'redirect') return false;
  const s = settingsOf(c.entry.ingress, redirectGroup);
  return s?.forceSslRedirect === true || (s?.sslRedirect !== false && hostHasTls(host, certs));
}

function httpsRedirect(r: Route, httpsPort: number): Route {
  return { name: r.name, match: r.match, action: { kind: 'redirect', scheme: 'https', port: httpsPort, statusCode: 308 } };
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

/** Exact hosts first, then wildcards, `*` last; alphabetical within each. */
function compareHosts(a: string, b: string): number {
  const rank = (h: string) => (h === '*' ? 2 : h.startsWith('*.') ? 1 : 0);
  return rank(a) - rank(b) || compare(a, b);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
