// Collects every problem in an IR value; translators call it before handing IR on.
import { isIP } from 'node:net';
import type { Issue, Result } from '@tidegate/common';
import { addedHeaderNameProblem, headerNameProblem, headerSafeProblem, headerValueProblem, mutableHeaderNameProblem, protoStringProblem, queryParamNameProblem, regexProblem, stringMatchProblem } from './envoy-rules';
import { IR_FEATURE_CHECKS } from './features';
import { sharedPortIssues } from './shared-port';
import type { Backend, CorsPolicy, HeaderMutation, HttpListener, IR, ProxyGroup, Route, TcpListener, VirtualHost, WeightedBackend } from './types';

export function validateIR(ir: IR): Result<IR> {
  const issues: Issue[] = [];
  checkUnique(ir.proxyGroups, (g) => g.name, 'proxyGroups', issues);
  ir.proxyGroups.forEach((g, i) => collectGroupIssues(g, `proxyGroups[${i}]`, issues));
  return issues.length ? { ok: false, issues } : { ok: true, value: ir };
}

/** Results by group object: a translator and the pipeline both validate the same group, once. */
const validated = new WeakMap<ProxyGroup, Result<ProxyGroup>>();

export function validateProxyGroup(group: ProxyGroup): Result<ProxyGroup> {
  const cached = validated.get(group);
  if (cached) return cached;
  const issues: Issue[] = [];
  collectGroupIssues(group, group.name, issues);
  const result: Result<ProxyGroup> = issues.length ? { ok: false, issues } : { ok: true, value: group };
  validated.set(group, result);
  return result;
}

class GroupChecker {
  readonly backends: Set<string>;
  readonly secrets: Set<string>;

  constructor(
    group: ProxyGroup,
    readonly issues: Issue[],
  ) {
    this.backends = new Set(group.backends.map((b) => b.name));
    this.secrets = new Set(group.secrets.map((s) => s.name));
  }

  add(code: string, path: string, message: string): void {
    this.issues.push({ code, path, message });
  }

  backendRef(name: string, path: string): void {
    if (!this.backends.has(name)) this.add('missing-backend', path, `backend "${name}" does not exist`);
  }

  secretRef(name: string, path: string): void {
    if (!this.secrets.has(name)) this.add('missing-secret', path, `secret "${name}" does not exist`);
  }

  port(port: number, path: string): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) this.add('bad-port', path, `port ${port} is not in 1-65535`);
  }

  nonNegative(value: number | undefined, path: string): void {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) this.add('bad-number', path, `${value} must be >= 0`);
  }

  cidr(value: string, path: string): void {
    const [ip, bits, extra] = value.split('/');
    const family = isIP(ip ?? '');
    const max = family === 4 ? 32 : 128;
    const ok = family !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max));
    if (!ok) this.add('bad-cidr', path, `"${value}" is not an IP address or CIDR range`);
  }

  /** Records an Envoy string rule's finding (from ./envoy-rules), if any. */
  envoyRule(problem: string | undefined, code: string, path: string): void {
    if (problem) this.add(code, path, problem);
  }

  regex(pattern: string, path: string): void {
    const problem = regexProblem(pattern);
    if (problem) this.add('bad-regex', path, problem);
  }

  /** CORS lists become response header values. */
  cors(policy: CorsPolicy | undefined, path: string): void {
    for (const field of ['allowMethods', 'allowHeaders', 'exposeHeaders'] as const) {
      policy?.[field]?.forEach((v, i) => this.envoyRule(headerSafeProblem(v), 'bad-cors', `${path}.${field}[${i}]`));
    }
  }

  headerMutation(m: HeaderMutation | undefined, path: string): void {
    for (const op of ['add', 'set'] as const) {
      m?.[op]?.forEach((h, i) => {
        this.envoyRule(addedHeaderNameProblem(h.name), 'bad-header-name', `${path}.${op}[${i}].name`);
        this.envoyRule(headerValueProblem(h.value), 'bad-header-value', `${path}.${op}[${i}].value`);
      });
    }
    m?.remove?.forEach((name, i) => this.envoyRule(mutableHeaderNameProblem(name), 'bad-header-name', `${path}.remove[${i}]`));
  }

  weighted(list: WeightedBackend[], path: string): void {
    list.forEach((wb, i) => {
      this.backendRef(wb.backend, `${path}[${i}].backend`);
      this.headerMutation(wb.requestHeaders, `${path}[${i}].requestHeaders`);
      this.headerMutation(wb.responseHeaders, `${path}[${i}].responseHeaders`);
      if (!Number.isInteger(wb.weight) || wb.weight < 0) this.add('bad-weight', `${path}[${i}].weight`, 'weight must be a whole number >= 0');
    });
  }
}

function collectGroupIssues(group: ProxyGroup, path: string, issues: Issue[]): void {
  const c = new GroupChecker(group, issues);
  checkUnique(group.backends, (b) => b.name, `${path}.backends`, issues);
  checkUnique(group.secrets, (s) => s.name, `${path}.secrets`, issues);
  const listenerNames = [...group.httpListeners, ...group.tcpListeners].map((l) => ({ name: l.name }));
  checkUnique(listenerNames, (l) => l.name, `${path}.listeners`, issues);
  // One address and port may hold several listeners only when SNI tells their connections apart.
  issues.push(...sharedPortIssues([...group.httpListeners, ...group.tcpListeners], path));
  group.httpListeners.forEach((l, i) => checkHttpListener(c, l, `${path}.httpListeners[${i}]`));
  group.tcpListeners.forEach((l, i) => checkTcpListener(c, l, `${path}.tcpListeners[${i}]`));
  group.grpcApiListeners.forEach((l, i) => {
    l.virtualHosts.forEach((vh, j) => checkVirtualHost(c, vh, `${path}.grpcApiListeners[${i}].virtualHosts[${j}]`));
  });
  group.backends.forEach((b, i) => checkBackend(c, b, `${path}.backends[${i}]`));
}

function checkHttpListener(c: GroupChecker, l: HttpListener, path: string): void {
  c.port(l.port, `${path}.port`);
  c.nonNegative(l.xffNumTrustedHops, `${path}.xffNumTrustedHops`);
  for (const f of IR_FEATURE_CHECKS) f.listener?.(c, l, path);
  if (l.tls) {
    if (l.tls.certificates.length === 0) c.add('missing-certificate', `${path}.tls.certificates`, 'a TLS listener needs a certificate');
    l.tls.certificates.forEach((cert, i) => c.secretRef(cert.secretName, `${path}.tls.certificates[${i}].secretName`));
    if (l.tls.clientCaSecret) c.secretRef(l.tls.clientCaSecret, `${path}.tls.clientCaSecret`);
    l.tls.certificates.forEach((cert, i) => {
      if (cert.clientCaSecret) c.secretRef(cert.clientCaSecret, `${path}.tls.certificates[${i}].clientCaSecret`);
    });
  }
  c.nonNegative(l.connectionLimit, `${path}.connectionLimit`);
  checkUnique(l.virtualHosts, (v) => v.name, `${path}.virtualHosts`, c.issues);
  const domains = new Map<string, string>();
  l.virtualHosts.forEach((vh, i) => {
    for (const d of vh.domains) {
      const owner = domains.get(d.toLowerCase());
      if (owner) c.add('duplicate-domain', `${path}.virtualHosts[${i}].domains`, `domain "${d}" is already served by ${owner}`);
      domains.set(d.toLowerCase(), vh.name);
    }
    checkVirtualHost(c, vh, `${path}.virtualHosts[${i}]`);
  });
}

/** Records references instead of resolving them, so a virtual host's findings hold for any group. */
class RecordingChecker extends GroupChecker {
  readonly refs: Array<{ kind: 'backend' | 'secret'; name: string; path: string }> = [];

  constructor() {
    super({ name: '', httpListeners: [], tcpListeners: [], grpcApiListeners: [], backends: [], secrets: [] }, []);
  }

  override backendRef(name: string, path: string): void {
    this.refs.push({ kind: 'backend', name, path });
  }

  override secretRef(name: string, path: string): void {
    this.refs.push({ kind: 'secret', name, path });
  }
}

/**
 * A virtual host's own findings (paths relative to it) and references, by object: hosts
 * come back as the same objects between translations, so thousands of unchanged hosts
 * are not checked again; only their references are resolved against the current group.
 */
const hostFindings = new WeakMap<VirtualHost, RecordingChecker>();

function checkVirtualHost(c: GroupChecker, vh: VirtualHost, path: string): void {
  let found = hostFindings.get(vh);
  if (!found) {
    found = new RecordingChecker();
    checkVirtualHostItself(found, vh, '');
    hostFindings.set(vh, found);
  }
  for (const issue of found.issues) c.issues.push({ ...issue, path: path + issue.path });
  for (const ref of found.refs) (ref.kind === 'backend' ? c.backendRef(ref.name, path + ref.path) : c.secretRef(ref.name, path + ref.path));
}

function checkVirtualHostItself(c: GroupChecker, vh: VirtualHost, path: string): void {
  if (vh.domains.length === 0) c.add('no-domains', `${path}.domains`, 'a virtual host needs at least one domain');
  vh.domains.forEach((d, i) => c.envoyRule(headerSafeProblem(d), 'bad-domain', `${path}.domains[${i}]`));
  c.cors(vh.cors, `${path}.cors`);
  checkUnique(vh.routes, (r) => r.name, `${path}.routes`, c.issues);
  for (const f of IR_FEATURE_CHECKS) f.virtualHost?.(c, vh, path);
  vh.routes.forEach((r, i) => checkRoute(c, r, `${path}.routes[${i}]`));
  checkProtoStrings(c, vh, path);
}

function checkRoute(c: GroupChecker, r: Route, path: string): void {
  const m = r.match;
  if (m.path.type === 'regex') c.regex(m.path.value, `${path}.match.path.value`);
  else if (!m.path.value.startsWith('/')) c.add('bad-path', `${path}.match.path.value`, 'path must start with "/"');
  m.headers?.forEach((h, i) => {
    c.envoyRule(headerNameProblem(h.name), 'bad-header-name', `${path}.match.headers[${i}].name`);
    if (h.type === 'regex' && h.value !== undefined) c.regex(h.value, `${path}.match.headers[${i}].value`);
    else if (h.type !== 'present' && h.value !== undefined) c.envoyRule(stringMatchProblem(h.type, h.value), 'bad-match', `${path}.match.headers[${i}].value`);
    if (h.type !== 'present' && h.value === undefined) c.add('missing-value', `${path}.match.headers[${i}].value`, 'a value is required');
  });
  m.queryParams?.forEach((q, i) => {
    c.envoyRule(queryParamNameProblem(q.name), 'bad-query-name', `${path}.match.queryParams[${i}].name`);
    if (q.type === 'regex' && q.value !== undefined) c.regex(q.value, `${path}.match.queryParams[${i}].value`);
    else if (q.type !== 'present' && q.value !== undefined) c.envoyRule(stringMatchProblem(q.type, q.value), 'bad-match', `${path}.match.queryParams[${i}].value`);
  });
  if (r.action.kind === 'forward') c.weighted(r.action.backends, `${path}.action.backends`);
  if (r.action.kind === 'redirect' && r.action.port !== undefined) c.port(r.action.port, `${path}.action.port`);
  if (r.action.kind === 'direct' && (r.action.status < 200 || r.action.status > 599)) {
    c.add('bad-status', `${path}.action.status`, `status ${r.action.status} is not in 200-599`);
  }
  if (r.rewrite?.type === 'regex') {
    c.regex(r.rewrite.pattern, `${path}.rewrite.pattern`);
    c.envoyRule(headerSafeProblem(r.rewrite.substitution), 'bad-rewrite', `${path}.rewrite.substitution`);
  } else if (r.rewrite) c.envoyRule(headerSafeProblem(r.rewrite.value), 'bad-rewrite', `${path}.rewrite.value`);
  if (r.hostRewrite !== undefined) c.envoyRule(headerSafeProblem(r.hostRewrite), 'bad-rewrite', `${path}.hostRewrite`);
  if (r.action.kind === 'direct' && r.action.contentType !== undefined) c.envoyRule(headerValueProblem(r.action.contentType), 'bad-header-value', `${path}.action.contentType`);
  if (r.action.kind === 'redirect') {
    if (r.action.host !== undefined) c.envoyRule(headerSafeProblem(r.action.host), 'bad-redirect', `${path}.action.host`);
    if (r.action.path) c.envoyRule(headerSafeProblem(r.action.path.value), 'bad-redirect', `${path}.action.path.value`);
  }
  c.cors(r.cors, `${path}.cors`);
  c.headerMutation(r.requestHeaders, `${path}.requestHeaders`);
  c.headerMutation(r.responseHeaders, `${path}.responseHeaders`);
  c.nonNegative(r.timeoutMs, `${path}.timeoutMs`);
  if (r.retry) {
    c.nonNegative(r.retry.attempts, `${path}.retry.attempts`);
    c.nonNegative(r.retry.perTryTimeoutMs, `${path}.retry.perTryTimeoutMs`);
  }
  c.nonNegative(r.idleTimeoutMs, `${path}.idleTimeoutMs`);
  if (r.action.kind === 'forward') {
    c.nonNegative(r.action.invalidWeight, `${path}.action.invalidWeight`);
    const status = r.action.invalidStatus;
    if (status !== undefined && status !== 500 && status !== 503) c.add('bad-status', `${path}.action.invalidStatus`, `invalidStatus ${status} must be 500 or 503`);
  }
  // Each HTTP-filter feature checks its own fields (features/).
  for (const f of IR_FEATURE_CHECKS) f.route?.(c, r, path);
  r.mirrors?.forEach((mi, i) => {
    c.backendRef(mi.backend, `${path}.mirrors[${i}].backend`);
    if (!(mi.percent >= 0 && mi.percent <= 100)) c.add('bad-percent', `${path}.mirrors[${i}].percent`, 'percent must be 0-100');
  });
}

function checkTcpListener(c: GroupChecker, l: TcpListener, path: string): void {
  checkProtoStrings(c, l, path);
  c.port(l.port, `${path}.port`);
  l.tls?.certificates.forEach((cert, i) => c.secretRef(cert.secretName, `${path}.tls.certificates[${i}].secretName`));
  checkUnique(l.routes, (r) => r.name, `${path}.routes`, c.issues);
  l.routes.forEach((r, i) => {
    c.weighted(r.backends, `${path}.routes[${i}].backends`);
    c.nonNegative(r.invalidWeight, `${path}.routes[${i}].invalidWeight`);
  });
  const catchAll = l.routes.filter((r) => !r.sniHostnames?.length);
  if (catchAll.length > 1) c.add('duplicate-route', `${path}.routes`, 'only one route may omit sniHostnames');
}

function checkBackend(c: GroupChecker, b: Backend, path: string): void {
  checkProtoStrings(c, b, path);
  if (b.discovery.type === 'static') {
    b.discovery.endpoints.forEach((e, i) => {
      c.port(e.port, `${path}.discovery.endpoints[${i}].port`);
      if (!e.address) c.add('missing-address', `${path}.discovery.endpoints[${i}].address`, 'an address is required');
      else if (isIP(e.address) === 0) c.add('bad-address', `${path}.discovery.endpoints[${i}].address`, 'a static endpoint needs an IP address (Envoy resolves no names here)');
      if (e.weight !== undefined && !(Number.isInteger(e.weight) && e.weight >= 1)) {
        c.add('bad-weight', `${path}.discovery.endpoints[${i}].weight`, 'endpoint weight must be a whole number >= 1');
      }
    });
  } else {
    c.port(b.discovery.port, `${path}.discovery.port`);
    if (!b.discovery.hostname) c.add('missing-hostname', `${path}.discovery.hostname`, 'a hostname is required');
  }
  c.nonNegative(b.connectTimeoutMs, `${path}.connectTimeoutMs`);
  if (b.tls?.caSecret) c.secretRef(b.tls.caSecret, `${path}.tls.caSecret`);
  if (b.tls?.clientCertificateSecret) c.secretRef(b.tls.clientCertificateSecret, `${path}.tls.clientCertificateSecret`);
  if (b.healthCheck && !b.healthCheck.path.startsWith('/')) c.add('bad-path', `${path}.healthCheck.path`, 'path must start with "/"');
}

/**
 * Every string reaches Envoy in a proto3 string field, which must be valid UTF-8: reports each
 * string under `value` with a lone surrogate, unless a field rule already reported its path.
 */
function checkProtoStrings(c: GroupChecker, value: unknown, path: string): void {
  const reported = new Set(c.issues.map((i) => i.path));
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string') {
      if (!reported.has(at)) c.envoyRule(protoStringProblem(v), 'bad-string', at);
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, `${at}.${k}`);
  };
  walk(value, path);
}

function checkUnique<T>(items: T[], key: (t: T) => string, path: string, issues: Issue[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) issues.push({ code: 'duplicate-name', path, message: `"${k}" appears more than once` });
    seen.add(k);
  }
}
