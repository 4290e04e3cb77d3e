// Which BackendPolicy governs each Service port, what it changes on the Backend, and the policies' status.
import type { Backend, HashPolicy, Secret } from '@tidegate/ir';
import type { ObjectStatus } from '@tidegate/common';
import { condition, type Problem } from './conditions';
import { BackendPolicyKind, type BackendPolicySpec } from './backend-policy-schema';
import { attachmentCondition, PolicyAttachments, servicePortLevels, type AttachmentPoint } from './policy-attachment';
import type { Resource, ResourceIndex } from './resource-index';
import { resolveCaSecret, resolveCertificateSecret } from './secret';
import { ServiceKind } from './service';
import type { ErrorSink } from './translation-error';

type PolicyResource = Resource<{ spec: BackendPolicySpec }>;

/** What a policy adds to a Backend, or why it cannot be applied. */
export type PolicyEffect =
  | { ok: true; apply: (backend: Backend) => void; secrets: Secret[]; hashPolicy: HashPolicy[] }
  | { ok: false; problem: Problem };

const LB_POLICY = {
  RoundRobin: 'round-robin',
  LeastRequest: 'least-request',
  Random: 'random',
  RingHash: 'ring-hash',
  Maglev: 'maglev',
} as const;
const PROTOCOL = { HTTP: 'http1', HTTP2: 'http2', GRPC: 'grpc' } as const;

const ACCEPTED_MESSAGES = {
  Accepted: 'policy is applied',
  Conflicted: 'an older or more specific BackendPolicy governs every target',
  TargetNotFound: 'no targeted Service (or Service port) exists',
};

/** Health-check settings a user may leave out. */
const HEALTH_DEFAULTS = { intervalMs: 5000, timeoutMs: 1000, unhealthyThreshold: 3, healthyThreshold: 2 };

/**
 * Policy precedence for a Service port (policy-attachment.ts): one naming the port
 * (sectionName) beats one naming the whole Service; among equals the oldest wins, then
 * namespace/name. A policy whose references do not resolve still wins, and
 * its targets fail closed (a TLS policy must never silently turn into plaintext).
 */
export class BackendPolicies {
  private readonly attachments: PolicyAttachments<PolicyResource>;
  private readonly effects = new Map<PolicyResource, PolicyEffect>();

  constructor(
    private readonly index: ResourceIndex,
    private readonly sink: ErrorSink,
  ) {
    this.attachments = new PolicyAttachments(index.list(BackendPolicyKind), {
      targetRefs: (p) => p.body.spec.targetRefs.map((t) => ({ group: '', kind: 'Service', name: t.name, sectionName: t.sectionName })),
      targetExists: (p, t) => {
        const svc = this.index.get(ServiceKind, p.namespace, t.name);
        return !!svc && (t.sectionName === undefined || (svc.body.spec.ports ?? []).some((sp) => sp.name === t.sectionName));
      },
    });
    for (const p of this.attachments.policies) this.effects.set(p, this.effectOf(p));
  }

  /** The effect of the policy governing a Service port, if any policy targets it. */
  forServicePort(namespace: string, service: string, portName: string | undefined): { policy: string; effect: PolicyEffect } | undefined {
    const winner = this.attachments.winner(servicePortLevels(namespace, service, portName));
    return winner ? { policy: `${winner.namespace}/${winner.name}`, effect: this.effects.get(winner) as PolicyEffect } : undefined;
  }

  /** `status.conditions` (Accepted) of every BackendPolicy. */
  statuses(): ObjectStatus[] {
    return this.attachments.policies.map((p) => ({
      kind: p.ref.kind,
      namespace: p.namespace,
      name: p.name,
      status: { conditions: [this.accepted(p)] },
    }));
  }

  private accepted(p: PolicyResource) {
    const effect = this.effects.get(p) as PolicyEffect;
    if (!effect.ok) return condition('Accepted', false, 'Invalid', effect.problem.message, p.generation);
    // Where it could take effect: each port its existing targets name (every port for a whole Service).
    const points: AttachmentPoint[] = [];
    for (const t of p.body.spec.targetRefs) {
      const svc = this.index.get(ServiceKind, p.namespace, t.name);
      const ports = (svc?.body.spec.ports ?? []).map((sp) => sp.name);
      if (!svc || (t.sectionName !== undefined && !ports.includes(t.sectionName))) continue;
      const names = t.sectionName !== undefined ? [t.sectionName] : ports.length ? ports : [undefined];
      for (const n of names) points.push(servicePortLevels(p.namespace, t.name, n));
    }
    return attachmentCondition(this.attachments.outcome(p, points), ACCEPTED_MESSAGES, p.generation);
  }

  private effectOf(p: PolicyResource): PolicyEffect {
    const spec = p.body.spec;
    const secrets: Secret[] = [];
    let caSecret: string | undefined;
    let clientSecret: string | undefined;
    if (spec.tls?.caCertificateRef) {
      const r = resolveCaSecret(this.index, p.namespace, spec.tls.caCertificateRef.name);
      if (!r.ok) return this.broken(p, 'spec.tls.caCertificateRef', r.message);
      secrets.push(r.secret);
      caSecret = r.secret.name;
    }
    if (spec.tls?.clientCertificateRef) {
      const r = resolveCertificateSecret(this.index, p.namespace, spec.tls.clientCertificateRef.name);
      if (!r.ok) return this.broken(p, 'spec.tls.clientCertificateRef', r.message);
      secrets.push(r.secret);
      clientSecret = r.secret.name;
    }
    const apply = (b: Backend): void => {
      if (spec.loadBalancer) b.loadBalancer = { policy: LB_POLICY[spec.loadBalancer.policy] };
      if (spec.protocol) b.protocol = PROTOCOL[spec.protocol];
      if (spec.tls) {
        b.tls = {};
        if (spec.tls.sni) b.tls.sni = spec.tls.sni;
        if (caSecret) b.tls.caSecret = caSecret;
        if (spec.tls.subjectAltNames) b.tls.subjectAltNames = spec.tls.subjectAltNames;
        if (clientSecret) b.tls.clientCertificateSecret = clientSecret;
      }
      if (spec.connectTimeout !== undefined) b.connectTimeoutMs = spec.connectTimeout;
      if (spec.circuitBreaker) b.circuitBreaker = { ...spec.circuitBreaker };
      if (spec.outlierDetection) {
        const o = spec.outlierDetection;
        b.outlierDetection = {};
        if (o.consecutive5xx !== undefined) b.outlierDetection.consecutive5xx = o.consecutive5xx;
        if (o.interval !== undefined) b.outlierDetection.intervalMs = o.interval;
        if (o.baseEjectionTime !== undefined) b.outlierDetection.baseEjectionTimeMs = o.baseEjectionTime;
        if (o.maxEjectionPercent !== undefined) b.outlierDetection.maxEjectionPercent = o.maxEjectionPercent;
      }
      if (spec.healthCheck) {
        const h = spec.healthCheck;
        b.healthCheck = {
          path: h.path,
          intervalMs: h.interval ?? HEALTH_DEFAULTS.intervalMs,
          timeoutMs: h.timeout ?? HEALTH_DEFAULTS.timeoutMs,
          unhealthyThreshold: h.unhealthyThreshold ?? HEALTH_DEFAULTS.unhealthyThreshold,
          healthyThreshold: h.healthyThreshold ?? HEALTH_DEFAULTS.healthyThreshold,
        };
        if (h.expectedStatuses) b.healthCheck.expectedStatuses = h.expectedStatuses;
        if (h.host) b.healthCheck.host = h.host;
      }
    };
    return { ok: true, apply, secrets, hashPolicy: (spec.hashPolicy ?? []).map(toHashPolicy) };
  }

  private broken(p: PolicyResource, path: string, message: string): PolicyEffect {
    this.sink.add(p, path, 'invalid-reference', message);
    return { ok: false, problem: { reason: 'InvalidBackendPolicy', message: `BackendPolicy ${p.namespace}/${p.name}: ${message}` } };
  }
}

function toHashPolicy(h: NonNullable<BackendPolicySpec['hashPolicy']>[number]): HashPolicy {
  if (h.header) return { type: 'header', name: h.header };
  if (h.cookie) {
    const c: HashPolicy = { type: 'cookie', name: h.cookie.name };
    if (h.cookie.ttl !== undefined) c.ttlSeconds = Math.ceil(h.cookie.ttl / 1000);
    if (h.cookie.path !== undefined) c.path = h.cookie.path;
    return c;
  }
  if (h.queryParam) return { type: 'query', name: h.queryParam };
  return { type: 'source-ip' };
}
