// Tidegate's ClientTrafficPolicy (tidegate.io/v1alpha1): downstream settings of a Gateway's listeners.
import { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import type { HttpListener, Secret, TcpListener } from '@tidegate/ir';
import { byteSize, condition, defineKind, durationMs, resolveCaSecret, type Resource } from '../resources';
import { PolicyAttachments, attachmentCondition, gatewayLevels, type AttachmentPoint } from '../resources/policy-attachment';
import { recordAppliedPolicy } from './applied-policies';
import type { Context } from './context';
import { GATEWAY_GROUP, TIDEGATE_GROUP } from './constants';
import { listenerProgrammed, type ListenerState } from './gateway-state';
import { gatewayTargetRefs } from './common-schema';

const tlsVersion = z.enum(['1.0', '1.1', '1.2', '1.3']);

export const ClientTrafficPolicyKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: 'ClientTrafficPolicy',
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z.strictObject({
      targetRefs: gatewayTargetRefs(['Gateway']),
      proxyProtocol: z.boolean().optional(),
      http2: z.boolean().optional(),
      xffNumTrustedHops: z.number().int().min(0).optional(),
      timeouts: z
        .strictObject({ idle: durationMs.optional(), streamIdle: durationMs.optional(), requestHeaders: durationMs.optional() })
        .optional(),
      compression: z.array(z.enum(['Gzip', 'Brotli'])).min(1).optional(),
      accessLog: z.strictObject({ path: z.string().min(1), format: z.enum(['JSON', 'Text']).optional() }).optional(),
      maxRequestBodySize: byteSize.optional(),
      tls: z
        .strictObject({
          minVersion: tlsVersion.optional(),
          maxVersion: tlsVersion.optional(),
          ciphers: z.array(z.string().min(1)).min(1).optional(),
          clientCACertificateRef: z
            .strictObject({ group: z.literal('').optional(), kind: z.literal('Secret').optional(), name: z.string().min(1) })
            .optional(),
        })
        .optional(),
    }),
  }),
});

type PolicySpec = z.output<typeof ClientTrafficPolicyKind.body>['spec'];
type PolicyResource = Resource<{ spec: PolicySpec }>;

const ACCEPTED_MESSAGES = {
  Accepted: 'policy is applied',
  Conflicted: 'an older or more specific ClientTrafficPolicy governs every target',
  TargetNotFound: 'no targeted Gateway (or listener) of ours exists',
};

/**
 * Applies ClientTrafficPolicies to the listeners of our Gateways. Per port
 * (one IR listener), a policy naming one of the port's listeners beats a
 * Gateway-wide one; among equals the oldest wins (policy-attachment.ts). A policy
 * whose client CA cannot be loaded keeps its HTTPS listeners unprogrammed rather
 * than serving them without client verification.
 */
export function applyClientTrafficPolicies(ctx: Context): ObjectStatus[] {
  const attachments = new PolicyAttachments(ctx.index.list(ClientTrafficPolicyKind), {
    targetRefs: (p) => p.body.spec.targetRefs.map((t) => ({ group: GATEWAY_GROUP, kind: 'Gateway', name: t.name, sectionName: t.sectionName })),
    targetExists: (p, t) => {
      const gw = ctx.gateways.get(`${p.namespace}/${t.name}`);
      return !!gw && (t.sectionName === undefined || gw.listeners.some((l) => l.name === t.sectionName));
    },
  });
  const policies = attachments.policies;
  const caSecrets = new Map<PolicyResource, Secret | string>();
  for (const p of policies) {
    const ref = p.body.spec.tls?.clientCACertificateRef;
    if (!ref) continue;
    const r = resolveCaSecret(ctx.index, p.namespace, ref.name);
    caSecrets.set(p, r.ok ? r.secret : r.message);
    if (!r.ok) ctx.sink.add(p, 'spec.tls.clientCACertificateRef', 'invalid-reference', r.message);
  }
  // Where a policy can take effect: each port (one IR listener) of a Gateway, through its programmed listeners.
  const points: AttachmentPoint[] = [];
  for (const gw of ctx.gateways.values()) {
    const ports = new Map<number, ListenerState[]>();
    for (const l of gw.listeners.filter(listenerProgrammed)) ports.set(l.port, [...(ports.get(l.port) ?? []), l]);
    for (const [port, listeners] of ports) {
      const point = gatewayLevels(GATEWAY_GROUP, gw.res.namespace, gw.res.name, listeners.map((l) => l.name));
      points.push(point);
      const winner = attachments.winner(point);
      if (!winner) continue;
      for (const l of listeners) recordAppliedPolicy(l, { kind: winner.ref.kind, namespace: winner.namespace, name: winner.name });
      const ca = caSecrets.get(winner);
      if (typeof ca === 'string') {
        for (const l of listeners) {
          if (l.protocol === 'HTTPS') l.notProgrammed = { reason: 'Invalid', message: `ClientTrafficPolicy ${winner.namespace}/${winner.name}: ${ca}` };
        }
      }
      const secret = typeof ca === 'string' ? undefined : ca;
      gw.builder.setListenerPolicy(port, {
        apply: (l) => applyPolicy(winner.body.spec, l, secret?.name),
        needs: { backends: [], secrets: secret ? [secret] : [] },
      });
    }
  }
  return policies.map((p) => {
    const caProblem = caSecrets.get(p);
    const accepted =
      typeof caProblem === 'string'
        ? condition('Accepted', false, 'Invalid', caProblem, p.generation)
        : attachmentCondition(attachments.outcome(p, points), ACCEPTED_MESSAGES, p.generation);
    return { kind: p.ref.kind, namespace: p.namespace, name: p.name, status: { conditions: [accepted] } };
  });
}

function applyPolicy(spec: PolicySpec, l: HttpListener | TcpListener, caSecret: string | undefined): void {
  if (spec.proxyProtocol !== undefined) l.proxyProtocol = spec.proxyProtocol;
  if (!('virtualHosts' in l)) return; // TCP/TLS listeners take only the PROXY protocol setting.
  if (spec.http2 !== undefined) l.http2 = spec.http2;
  if (spec.xffNumTrustedHops !== undefined) l.xffNumTrustedHops = spec.xffNumTrustedHops;
  if (spec.timeouts) {
    l.timeouts = {};
    if (spec.timeouts.idle !== undefined) l.timeouts.idleMs = spec.timeouts.idle;
    if (spec.timeouts.streamIdle !== undefined) l.timeouts.streamIdleMs = spec.timeouts.streamIdle;
    if (spec.timeouts.requestHeaders !== undefined) l.timeouts.requestHeadersMs = spec.timeouts.requestHeaders;
  }
  if (spec.compression) l.compression = spec.compression.map((c) => (c === 'Gzip' ? 'gzip' : 'brotli'));
  if (spec.accessLog) l.accessLog = { path: spec.accessLog.path, format: spec.accessLog.format === 'Text' ? 'text' : 'json' };
  if (spec.maxRequestBodySize !== undefined) l.maxRequestBodyBytes = spec.maxRequestBodySize;
  if (spec.tls && l.tls) {
    if (spec.tls.minVersion) l.tls.minVersion = spec.tls.minVersion;
    if (spec.tls.maxVersion) l.tls.maxVersion = spec.tls.maxVersion;
    if (spec.tls.ciphers) l.tls.ciphers = spec.tls.ciphers;
    if (caSecret) {
      // The policy's CA always requires a valid certificate, whatever the Gateway's mode.
      l.tls.clientCaSecret = caSecret;
      delete l.tls.clientCertificateFallback;
    }
  }
}
