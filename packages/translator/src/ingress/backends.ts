// An Ingress path's Service as an IR Backend, with the Ingress's upstream annotations applied to a per-Ingress copy.
import type { Backend, Secret } from '@tidegate/ir';
import { ServiceKind } from '../resources';
import { ANNOTATION_GROUPS } from './annotations/registry';
import type { IngressContext } from './context';
import type { ParsedIngress } from './ingress-settings';
import type { IngressBackendSpec } from './schema';

export type BackendOutcome =
  | { ok: true; backend: Backend; secrets: Secret[]; /** no endpoint can take traffic */ empty: boolean }
  | { ok: false; message: string; field: string; code: 'backend-not-found' | 'unsupported-backend' };

/** Resolves `backend` of Ingress `p` (port by number or by name). */
export function resolveIngressBackend(p: ParsedIngress, spec: IngressBackendSpec, field: string, ctx: IngressContext): BackendOutcome {
  const ns = p.res.namespace;
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
  const empty = backend.discovery.type === 'static' && !backend.discovery.endpoints.some((e) => (e.health ?? 'healthy') === 'healthy');
  return { ok: true, backend, secrets: r.secrets, empty };
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
