// BackendTLSPolicy (gateway.networking.k8s.io/v1): TLS from the gateway to a Service's pods, and its per-Gateway status.
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import type { Condition, ObjectStatus } from '@tidegate/common';
import type { Backend, Secret, UpstreamTls } from '@tidegate/ir';
import { ServiceKind, condition, defineKind, type ErrorSink, type Problem, type Resource, type ResourceIndex } from '../resources';
import { PolicyAttachments, attachmentCondition, servicePortLevels, type AttachmentPoint } from '../resources/policy-attachment';
import type { RouteBackendResolution } from './backend-refs';
import { loadCaBundle } from './ca-bundles';
import { GATEWAY_GROUP } from './constants';
import type { GatewayState } from './gateway-state';

const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const subjectAltName = z
  .strictObject({
    type: z.enum(['Hostname', 'URI']),
    hostname: z.string().regex(HOSTNAME, 'must be a hostname').optional(),
    uri: z.string().regex(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]+$/, 'must be an absolute URI').optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === 'Hostname' && !s.hostname) ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'required when type is Hostname' });
    if (s.type !== 'Hostname' && s.hostname) ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'must not be set unless type is Hostname' });
    if (s.type === 'URI' && !s.uri) ctx.addIssue({ code: 'custom', path: ['uri'], message: 'required when type is URI' });
    if (s.type !== 'URI' && s.uri) ctx.addIssue({ code: 'custom', path: ['uri'], message: 'must not be set unless type is URI' });
  });

export const BackendTLSPolicyKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'BackendTLSPolicy',
  versions: ['v1', 'v1alpha3'],
  body: z.strictObject({
    spec: z.strictObject({
      targetRefs: z
        .array(z.strictObject({ group: z.string(), kind: z.string().min(1), name: z.string().min(1), sectionName: z.string().min(1).optional() }))
        .min(1)
        .max(16),
      validation: z
        .strictObject({
          caCertificateRefs: z.array(z.strictObject({ group: z.string(), kind: z.string().min(1), name: z.string().min(1) })).max(16).optional(),
          wellKnownCACertificates: z.string().optional(),
          hostname: z.string().max(253).regex(PRECISE_HOSTNAME, 'must be a DNS name without wildcard'),
          subjectAltNames: z.array(subjectAltName).max(5).optional(),
        })
        .refine((v) => !(v.caCertificateRefs?.length && v.wellKnownCACertificates), {
          message: 'must not contain both caCertificateRefs and wellKnownCACertificates',
        })
        .refine((v) => v.caCertificateRefs?.length || v.wellKnownCACertificates, {
          message: 'must specify either caCertificateRefs or wellKnownCACertificates',
        }),
      options: z.record(z.string(), z.string()).optional(),
    }),
  }),
});

type PolicySpec = z.output<typeof BackendTLSPolicyKind.body>['spec'];
type PolicyResource = Resource<{ spec: PolicySpec }>;

/** The IR name of the CA bundle used for `wellKnownCACertificates: System`. */
export const SYSTEM_CA_SECRET = 'tidegate/system-ca';

/** What a policy does to a backend, or why it cannot be honoured (the backend then fails closed). */
interface PolicyEffect {
  tls?: UpstreamTls;
  secrets: Secret[];
  /** Accepted False: Invalid or NoValidCACertificate. */
  rejected?: Problem;
  /** ResolvedRefs False: InvalidCACertificateRef or InvalidKind. */
  refs?: Problem;
}

/** A Service port a Gateway's routes send traffic to. */
export interface ServicePortUse {
  namespace: string;
  service: string;
  port: number;
}

const ACCEPTED_MESSAGES = {
  Accepted: 'policy is accepted',
  Conflicted: 'an older BackendTLSPolicy targets the same Service and sectionName',
  TargetNotFound: 'no targeted Service (or Service port) exists',
};

/**
 * Which BackendTLSPolicy governs each Service port and what it does.
 * Precedence (policy-attachment.ts): a policy naming the port (sectionName) over one naming
 * the Service; among policies with the same target the oldest, then by name (the others are
 * Conflicted: a policy overridden by a more specific one is not). A policy that cannot be
 * honoured still wins, and its backends fail closed: TLS must never silently turn into plaintext.
 */
export class BackendTlsPolicies {
  private readonly attachments: PolicyAttachments<PolicyResource>;
  private readonly effects = new Map<PolicyResource, PolicyEffect>();
  private readonly applied = new WeakMap<Backend, RouteBackendResolution>();

  constructor(
    private readonly index: ResourceIndex,
    sink: ErrorSink,
  ) {
    this.attachments = new PolicyAttachments(index.list(BackendTLSPolicyKind), {
      targetRefs: (p) => p.body.spec.targetRefs,
      targetExists: (p, t) => {
        if (t.group !== '' || t.kind !== 'Service') return false;
        const svc = this.index.get(ServiceKind, p.namespace, t.name);
        return !!svc && (t.sectionName === undefined || (svc.body.spec.ports ?? []).some((sp) => sp.name === t.sectionName));
      },
    });
    for (const p of this.attachments.policies) {
      this.effects.set(p, effectOf(index, sink, p));
      if (!this.attachments.targetFound(p)) sink.add(p, 'spec.targetRefs', 'target-not-found', ACCEPTED_MESSAGES.TargetNotFound);
    }
  }

  /** The backend with the governing policy's TLS settings, or unusable when the policy cannot be honoured. */
  apply(base: Extract<RouteBackendResolution, { ok: true }>, namespace: string, service: string, port: number): RouteBackendResolution {
    if (this.attachments.policies.length === 0) return base;
    const cached = this.applied.get(base.backend);
    if (cached) return cached;
    const policy = this.attachments.winner(servicePortLevels(namespace, service, this.portName(namespace, service, port)));
    let result: RouteBackendResolution = base;
    if (policy) {
      const effect = this.effects.get(policy) as PolicyEffect;
      if (effect.rejected || !effect.tls) {
        const why = effect.rejected?.message ?? 'no usable CA certificate';
        result = { ok: false, unusable: true, problem: { reason: 'InvalidBackendTLSPolicy', message: `BackendTLSPolicy ${policy.namespace}/${policy.name}: ${why}` } };
      } else {
        const tls: UpstreamTls = { ...effect.tls };
        // A BackendPolicy client certificate (mTLS) still applies under a BackendTLSPolicy.
        if (base.backend.tls?.clientCertificateSecret) tls.clientCertificateSecret = base.backend.tls.clientCertificateSecret;
        result = { ...base, backend: { ...base.backend, tls }, secrets: [...base.secrets, ...effect.secrets] };
      }
    }
    this.applied.set(base.backend, result);
    return result;
  }

  /**
   * `status.ancestors`: one entry per Gateway whose routes use a targeted Service
   * (port), each with the policy's Accepted and ResolvedRefs conditions.
   */
  statuses(gateways: Iterable<GatewayState>, controllerName: string): ObjectStatus[] {
    const gws = [...gateways];
    return this.attachments.policies.map((p) => {
      const conditions = this.conditions(p);
      const ancestors = gws
        .filter((gw) => gw.builder.servicePorts().some((use) => this.targets(p, use)))
        .map((gw) => ({
          ancestorRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.res.namespace, name: gw.res.name },
          controllerName,
          conditions,
        }));
      return { kind: p.ref.kind, namespace: p.namespace, name: p.name, status: { ancestors } };
    });
  }

  private conditions(p: PolicyResource): Condition[] {
    const effect = this.effects.get(p) as PolicyEffect;
    const gen = p.generation;
    const accepted = effect.rejected
      ? condition('Accepted', false, effect.rejected.reason, effect.rejected.message, gen)
      : attachmentCondition(this.attachments.outcome(p, this.exactTargets(p)), ACCEPTED_MESSAGES, gen);
    const refs = effect.refs
      ? condition('ResolvedRefs', false, effect.refs.reason, effect.refs.message, gen)
      : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', gen);
    return [accepted, refs];
  }

  private portName(namespace: string, service: string, port: number): string | undefined {
    return this.index.get(ServiceKind, namespace, service)?.body.spec.ports?.find((p) => p.port === port)?.name;
  }

  /** Whether the policy targets this Service port (a targetRef without sectionName covers every port). */
  private targets(p: PolicyResource, use: ServicePortUse): boolean {
    return this.attachments.attaches(p, servicePortLevels(use.namespace, use.service, this.portName(use.namespace, use.service, use.port)));
  }

  /**
   * Each Service targetRef exactly as written (that Service port, or the whole Service): the
   * policy is Conflicted only where an older one has the same target and sectionName.
   */
  private exactTargets(p: PolicyResource): AttachmentPoint[] {
    return p.body.spec.targetRefs
      .filter((t) => t.group === '' && t.kind === 'Service')
      .map((t) => [{ group: '', kind: 'Service', namespace: p.namespace, name: t.name, ...(t.sectionName !== undefined ? { sections: [t.sectionName] } : {}) }]);
  }
}

/** Loads the CA bundle(s), checks the names, and builds the TLS settings (errors go to the sink). */
function effectOf(index: ResourceIndex, sink: ErrorSink, p: PolicyResource): PolicyEffect {
  const v = p.body.spec.validation;
  const effect: PolicyEffect = { secrets: [] };
  const report = (path: string, code: string, message: string) => sink.add(p, path, code, message);
  for (const key of Object.keys(p.body.spec.options ?? {})) {
    report(`spec.options.${key}`, 'unsupported-option', `option ${key} is not supported and is ignored`);
  }
  p.body.spec.targetRefs.forEach((t, i) => {
    if (t.group !== '' || t.kind !== 'Service') report(`spec.targetRefs[${i}]`, 'invalid-kind', `target kind ${t.group ? `${t.group}/` : ''}${t.kind} is not supported; use a core Service`);
  });
  let ca: Secret | undefined;
  if (v.wellKnownCACertificates !== undefined) {
    if (v.wellKnownCACertificates !== 'System') {
      effect.rejected = { reason: 'Invalid', message: `wellKnownCACertificates ${v.wellKnownCACertificates} is not supported; use System` };
      report('spec.validation.wellKnownCACertificates', 'unsupported-value', effect.rejected.message);
      return effect;
    }
    ca = { name: SYSTEM_CA_SECRET, type: 'ca', caCertificate: rootCertificates.join('\n') };
  } else {
    const pems: string[] = [];
    (v.caCertificateRefs ?? []).forEach((ref, i) => {
      const bundle = loadCaBundle(index, p.namespace, ref);
      if (bundle.ok) {
        pems.push(bundle.pem.trim());
        return;
      }
      effect.refs ??= { reason: bundle.reason, message: bundle.message };
      if (effect.refs.message !== bundle.message) effect.refs = { reason: effect.refs.reason, message: `${effect.refs.message}; ${bundle.message}` };
      report(`spec.validation.caCertificateRefs[${i}]`, bundle.reason === 'InvalidKind' ? 'invalid-kind' : 'invalid-ca-certificate-ref', bundle.message);
    });
    if (pems.length === 0) {
      effect.rejected = { reason: 'NoValidCACertificate', message: `no caCertificateRef could be used: ${effect.refs?.message ?? 'none given'}` };
      return effect;
    }
    ca = { name: `k8s/${p.namespace}/backendtlspolicy/${p.name}/ca.crt`, type: 'ca', caCertificate: `${pems.join('\n')}\n` };
  }
  effect.secrets.push(ca);
  const sans = v.subjectAltNames ?? [];
  const hostnames = sans.flatMap((s) => (s.type === 'Hostname' && s.hostname ? [s.hostname] : []));
  const uris = sans.flatMap((s) => (s.type === 'URI' && s.uri ? [s.uri] : []));
  // The hostname is the SNI and, unless subjectAltNames are given, the name the certificate
  // must carry; given ones replace it, and the certificate must carry any one of them.
  effect.tls = { sni: v.hostname, caSecret: ca.name, subjectAltNames: sans.length ? hostnames : [v.hostname] };
  if (uris.length) effect.tls.uriSubjectAltNames = uris;
  return effect;
}
