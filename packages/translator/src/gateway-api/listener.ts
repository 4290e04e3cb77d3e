// One Gateway listener: protocol and TLS mode checks, allowed route kinds and namespaces, certificates.
import { resolveCertificateSecret } from '../resources';
import type { Context } from './context';
import { GATEWAY_GROUP } from './constants';
import type { ListenerSpec } from './gateway-schema';
import type { GatewayState, ListenerState, RouteGroupKind } from './gateway-state';
import { addProblem } from './problems';
import { referenceAllowed } from './reference-grant';

interface ProtocolRule {
  routeKinds: readonly string[];
  /** TLS modes the protocol accepts (the first is the default); absent means `tls` must not be set. */
  tlsModes?: ReadonlyArray<'Terminate' | 'Passthrough'>;
}

/** Protocols Tidegate serves, with the route kinds each carries. */
const PROTOCOLS: Readonly<Record<string, ProtocolRule>> = {
  HTTP: { routeKinds: ['HTTPRoute', 'GRPCRoute'] },
  HTTPS: { routeKinds: ['HTTPRoute', 'GRPCRoute'], tlsModes: ['Terminate'] },
  TLS: { routeKinds: ['TLSRoute'], tlsModes: ['Terminate', 'Passthrough'] },
  TCP: { routeKinds: ['TCPRoute'] },
};

/**
 * A listener protocol as Tidegate uses it: core protocols are case-insensitive
 * (`http` is `HTTP`); implementation-specific ones (`example.com/x`) stay as written.
 */
export const normalizeProtocol = (protocol: string): string => (protocol.includes('/') ? protocol : protocol.toUpperCase());

/** Whether listeners of this (normalized) protocol can carry routes of `kind` at all. */
export const protocolCarries = (protocol: string, kind: string): boolean => PROTOCOLS[protocol]?.routeKinds.includes(kind) ?? false;

/** Whether the listener terminates TLS (HTTPS, or TLS in Terminate mode). */
export const terminatesTls = (l: { protocol: string; spec: ListenerSpec }): boolean =>
  l.protocol === 'HTTPS' || (l.protocol === 'TLS' && (l.spec.tls?.mode ?? 'Terminate') === 'Terminate');

/** Validates one listener and resolves its certificates; problems become listener conditions and errors. */
export function buildListener(ctx: Context, gw: GatewayState, spec: ListenerSpec, index: number): ListenerState {
  const l: ListenerState = {
    gateway: gw,
    index,
    spec,
    name: spec.name,
    port: spec.port,
    protocol: normalizeProtocol(spec.protocol),
    supportedKinds: [],
    namespaces: { from: spec.allowedRoutes?.namespaces?.from ?? 'Same' },
    certificates: [],
    attachedRoutes: new Set(),
  };
  if (spec.hostname !== undefined) l.hostname = spec.hostname;
  const selector = spec.allowedRoutes?.namespaces?.selector;
  if (selector) l.namespaces.selector = selector;
  const path = `spec.listeners[${index}]`;
  const report = (field: string, code: string, message: string) => ctx.sink.add(gw.res, `${path}${field}`, code, message);

  const rule = PROTOCOLS[l.protocol];
  if (!rule) {
    const message = `protocol ${spec.protocol} is not supported (supported: ${Object.keys(PROTOCOLS).join(', ')})`;
    l.notAccepted = { reason: 'UnsupportedProtocol', message };
    report('.protocol', 'unsupported-protocol', message);
    return l;
  }
  l.supportedKinds = supportedKinds(l, rule, (field, message) => report(field, 'invalid-route-kind', message));
  checkTls(l, rule, (field, message) => report(field, 'unsupported-value', message));
  if (l.namespaces.from === 'Selector' && !selector) {
    const message = 'allowedRoutes.namespaces.selector is required when from is Selector';
    l.notAccepted = addProblem(l.notAccepted, { reason: 'UnsupportedValue', message });
    report('.allowedRoutes.namespaces.selector', 'missing-field', message);
  }
  if (!l.notAccepted && terminatesTls(l)) resolveCertificates(ctx, l, path);
  return l;
}

function supportedKinds(l: ListenerState, rule: ProtocolRule, report: (field: string, message: string) => void): RouteGroupKind[] {
  const requested = l.spec.allowedRoutes?.kinds;
  if (!requested) return rule.routeKinds.map((kind) => ({ group: GATEWAY_GROUP, kind }));
  const out: RouteGroupKind[] = [];
  requested.forEach((k, i) => {
    const group = k.group ?? GATEWAY_GROUP;
    if (group === GATEWAY_GROUP && rule.routeKinds.includes(k.kind)) {
      if (!out.some((o) => o.kind === k.kind)) out.push({ group, kind: k.kind });
      return;
    }
    const message = `route kind ${group}/${k.kind} is not supported on a listener with protocol ${l.protocol}`;
    l.refsProblem = addProblem(l.refsProblem, { reason: 'InvalidRouteKinds', message });
    report(`.allowedRoutes.kinds[${i}]`, message);
  });
  return out;
}

function checkTls(l: ListenerState, rule: ProtocolRule, report: (field: string, message: string) => void): void {
  const tls = l.spec.tls;
  let message: string | undefined;
  if (!rule.tlsModes) {
    if (tls) message = `tls must not be set on a listener with protocol ${l.protocol}`;
  } else if (l.protocol === 'TLS' && !tls) {
    message = 'a TLS listener needs tls.mode (Passthrough or Terminate)';
  } else {
    const mode = tls?.mode ?? 'Terminate';
    if (!rule.tlsModes.includes(mode)) message = `${l.protocol} listeners terminate TLS; use protocol TLS for Passthrough`;
  }
  if (message) {
    l.notAccepted = addProblem(l.notAccepted, { reason: 'UnsupportedValue', message });
    report('.tls', message);
  }
}

function resolveCertificates(ctx: Context, l: ListenerState, path: string): void {
  const gw = l.gateway.res;
  const refs = l.spec.tls?.certificateRefs ?? [];
  const fail = (field: string, reason: string, code: string, message: string) => {
    l.refsProblem = addProblem(l.refsProblem, { reason, message });
    ctx.sink.add(gw, `${path}.tls${field}`, code, message);
  };
  if (refs.length === 0) fail('.certificateRefs', 'InvalidCertificateRef', 'missing-field', `a ${l.protocol} listener that terminates TLS needs at least one certificateRef`);
  refs.forEach((ref, j) => {
    const field = `.certificateRefs[${j}]`;
    const namespace = ref.namespace ?? gw.namespace;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') {
      fail(field, 'InvalidCertificateRef', 'invalid-kind', `certificateRef must be a core Secret, not ${ref.group ?? ''}/${ref.kind}`);
      return;
    }
    const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.namespace };
    if (!referenceAllowed(ctx.index, from, { group: '', kind: 'Secret', namespace, name: ref.name })) {
      fail(field, 'RefNotPermitted', 'ref-not-permitted', `Secret ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`);
      return;
    }
    const r = resolveCertificateSecret(ctx.index, namespace, ref.name);
    if (!r.ok) {
      fail(field, 'InvalidCertificateRef', 'invalid-certificate-ref', r.message);
      return;
    }
    l.certificates.push({ ref: { hostnames: l.hostname ? [l.hostname] : [], secretName: r.secret.name }, secret: r.secret });
  });
  if (l.certificates.length === 0) l.notProgrammed = { reason: 'Invalid', message: 'no certificateRef could be used' };
}
