// An Ingress path's backend as IR Backends: a Service, or the registry hosts of `higress.io/destination`
// (McpBridge resource backends), with the Ingress's upstream annotations applied to per-Ingress copies.
import type { Backend, Secret } from '@tidegate/ir';
import { ServiceKind } from '../resources';
import { destinationGroup, isMcpBridgeBackend } from './annotations/destination';
import { ANNOTATION_GROUPS } from './annotations/registry';
import type { IngressContext } from './context';
import { settingsOf, type ParsedIngress } from './ingress-settings';
import type { IngressBackendSpec } from './schema';

/** One backend of a path and its share (a Service path has one, weight 1). */
export interface WeightedIngressBackend {
  backend: Backend;
  weight: number;
}

export type BackendOutcome =
  | { ok: true; backends: WeightedIngressBackend[]; secrets: Secret[]; /** no endpoint of any backend can take traffic */ empty: boolean }
  | { ok: false; message: string; field: string; code: 'backend-not-found' | 'unsupported-backend' };

/** Resolves `backend` of Ingress `p`: a Service port (by number or by name) or the McpBridge resource. */
export function resolveIngressBackend(p: ParsedIngress, spec: IngressBackendSpec, field: string, ctx: IngressContext): BackendOutcome {
  const ns = p.res.namespace;
  if (spec.resource && isMcpBridgeBackend(spec)) return resolveDestinations(p, spec.resource.name, field, ctx);
  if (!spec.service) {
    const what = spec.resource ? `resource backends (${spec.resource.kind} ${spec.resource.name})` : 'a backend without a service';
    return { ok: false, message: `${what} are not supported`, field, code: 'unsupported-backend' };
  }
  const svcName = spec.service.name;
  let port = spec.service.port?.number;
  const portName = spec.service.port?.name;
  if (port === undefined) {
    const svc = ctx.index.get(ServiceKind, ns, svcName);
    if (!svc) {
      const state = ctx.index.lookup(ServiceKind, ns, svcName);
      return { ok: false, message: `Service ${ns}/${svcName} ${state === 'invalid' ? 'is invalid' : 'not found'}`, field: `${field}.service.name`, code: 'backend-not-found' };
    }
    if (portName === undefined) return { ok: false, message: 'service.port needs a number or a name', field: `${field}.service.port`, code: 'backend-not-found' };
    port = svc.body.spec.ports?.find((sp) => sp.name === portName)?.port;
    if (port === undefined) return { ok: false, message: `Service ${ns}/${svcName} has no port named "${portName}"`, field: `${field}.service.port.name`, code: 'backend-not-found' };
  }
  const r = ctx.services.resolve(ns, svcName, port);
  if (!r.ok) return { ok: false, message: r.problem.message, field: `${field}.service`, code: 'backend-not-found' };
  const backend = withIngressSettings(p, r.backend);
  return { ok: true, backends: [{ backend, weight: 1 }], secrets: r.secrets, empty: !hasReadyEndpoint(backend) };
}

/**
 * Higress's form: the backend names the McpBridge and `higress.io/destination` the registry
 * hosts with their shares. Like a missing Service, an unknown bridge or host fails the path.
 */
function resolveDestinations(p: ParsedIngress, bridge: string, field: string, ctx: IngressContext): BackendOutcome {
  const { namespace, name } = p.res;
  if (!ctx.registries.hasBridge(bridge)) {
    return { ok: false, message: `McpBridge ${bridge} not found (no valid McpBridge of that name in any namespace)`, field: `${field}.resource.name`, code: 'backend-not-found' };
  }
  const s = settingsOf(p, destinationGroup);
  if (!s) {
    return { ok: false, message: `Ingress ${namespace}/${name}: the McpBridge backend needs a valid higress.io/destination annotation naming registry hosts`, field: `${field}.resource`, code: 'backend-not-found' };
  }
  const byName = new Map<string, WeightedIngressBackend>();
  const secrets: Secret[] = [];
  for (const d of s.destinations) {
    const r = ctx.registries.resolve(d.host, d.port);
    if (!r.ok) return { ok: false, message: `Ingress ${namespace}/${name}: ${s.key}=${JSON.stringify(s.value)}: ${r.problem.message}`, field: `${field}.resource`, code: 'backend-not-found' };
    // A 0% line is checked but takes no traffic (Envoy needs no entry for it).
    if (d.weight === 0) continue;
    const backend = withIngressSettings(p, r.backend);
    const same = byName.get(backend.name);
    if (same) same.weight += d.weight;
    else byName.set(backend.name, { backend, weight: d.weight });
    secrets.push(...r.secrets);
  }
  const backends = [...byName.values()];
  return { ok: true, backends, secrets, empty: !backends.some((b) => hasReadyEndpoint(b.backend)) };
}

/** Whether some endpoint can take traffic (DNS backends always may). */
function hasReadyEndpoint(backend: Backend): boolean {
  return backend.discovery.type !== 'static' || backend.discovery.endpoints.some((e) => (e.health ?? 'healthy') === 'healthy');
}

/**
 * The Backend as this Ingress's annotations want it. Annotations such as backend-protocol
 * belong to one Ingress while clusters are shared, so a changed Backend becomes a copy
 * named after the Ingress; an unchanged one keeps the Service's name.
 */
export function withIngressSettings(p: ParsedIngress, base: Backend): Backend {
  let memo = copies.get(p);
  if (!memo) copies.set(p, (memo = new Map()));
  let done = memo.get(base);
  if (!done) memo.set(base, (done = applySettings(p, base)));
  return done;
}

/** Per Ingress, by Service Backend (resolved once per translation and shared). */
const copies = new WeakMap<ParsedIngress, Map<Backend, Backend>>();

function applySettings(p: ParsedIngress, base: Backend): Backend {
  let copy: Backend | undefined;
  for (const group of ANNOTATION_GROUPS) {
    const s = p.settings.get(group);
    if (s === undefined || !group.backend) continue;
    // Hooks set top-level fields (to new objects), so a shallow copy and compare suffice.
    copy ??= { ...base };
    group.backend(s, copy);
  }
  if (!copy || (Object.keys(copy) as Array<keyof Backend>).every((k) => copy[k] === base[k])) return base;
  copy.name = `${base.name}~${p.res.namespace}/${p.res.name}`;
  return copy;
}
