// Ingress status: the default gateway's address in status.loadBalancer, plus Tidegate's conditions.
import { isIP } from 'node:net';
import type { Condition, ObjectStatus } from '@tidegate/common';
import { condition } from '../resources';
import type { ParsedIngress } from './ingress-settings';

/** What happened to one Ingress during translation. */
export interface IngressOutcome {
  parsed: ParsedIngress;
  /** Paths (and TLS entries) it has, and how many are served. */
  paths: number;
  served: number;
  /** Why paths were left out (conflicts, canaries without a primary, bad paths). */
  notServed: string[];
  /** Backends that did not resolve (Services, registry hosts). */
  unresolved: string[];
  /** `spec.tls` entries whose Secret is missing or unusable, each naming it (added per translation). */
  certificates?: string[];
}

/** `status.loadBalancer.ingress`: an IP as `ip`, a name as `hostname`. */
export function loadBalancerStatus(publishAddress: string | undefined): Record<string, unknown> {
  if (!publishAddress) return { ingress: [] };
  return { ingress: [isIP(publishAddress) ? { ip: publishAddress } : { hostname: publishAddress }] };
}

/**
 * The last status per parsed Ingress with what it was made from. Unchanged Ingresses keep
 * their parse between translations, and mostly their outcome: handing back the same status
 * object spares building (and later collecting) ten thousand of them per change.
 */
const lastStatus = new WeakMap<ParsedIngress, { outcome: IngressOutcome; publishAddress: string | undefined; status: ObjectStatus }>();

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function ingressStatus(o: IngressOutcome, publishAddress: string | undefined): ObjectStatus {
  const last = lastStatus.get(o.parsed);
  if (
    last &&
    last.publishAddress === publishAddress &&
    last.outcome.paths === o.paths &&
    last.outcome.served === o.served &&
    sameList(last.outcome.notServed, o.notServed) &&
    sameList(last.outcome.unresolved, o.unresolved) &&
    sameList(last.outcome.certificates ?? [], o.certificates ?? [])
  ) {
    return last.status;
  }
  const status = buildStatus(o, publishAddress);
  lastStatus.set(o.parsed, { outcome: o, publishAddress, status });
  return status;
}

function buildStatus(o: IngressOutcome, publishAddress: string | undefined): ObjectStatus {
  const res = o.parsed.res;
  const gen = res.generation;
  const conditions: Condition[] = [];
  if (o.notServed.length === 0) conditions.push(condition('Accepted', true, 'Accepted', `all ${o.paths} paths are served`, gen));
  else {
    const reason = o.served === 0 ? 'NotServed' : 'PartiallyServed';
    conditions.push(condition('Accepted', o.served > 0, reason, `${o.served} of ${o.paths} paths are served; ${o.notServed.join('; ')}`, gen));
  }
  // The reason says what kind of reference failed: a backend, else a certificate Secret.
  const certificates = o.certificates ?? [];
  const reason = o.unresolved.length ? 'BackendNotFound' : 'InvalidCertificateRef';
  const unresolved = [...o.unresolved, ...certificates];
  conditions.push(
    unresolved.length
      ? condition('ResolvedRefs', false, reason, unresolved.join('; '), gen)
      : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references resolved', gen),
  );
  const problems = o.parsed.annotationProblems;
  conditions.push(
    problems.length
      ? condition('AnnotationsSupported', false, 'NotFullySupported', `see the migration report for: ${problems.join(', ')}`, gen)
      : condition('AnnotationsSupported', true, 'Supported', 'every annotation is supported', gen),
  );
  return { kind: 'Ingress', namespace: res.namespace, name: res.name, status: { loadBalancer: loadBalancerStatus(publishAddress), conditions } };
}
