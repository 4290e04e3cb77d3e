// TLS certificates of the default gateway from Ingress spec.tls Secrets; the oldest Ingress wins a host.
import type { Secret, TlsCertificateRef } from '@tidegate/ir';
import { resolveCertificateSecret } from '../resources';
import { ANNOTATION_GROUPS } from './annotations/registry';
import type { IngressContext } from './context';
import type { ParsedIngress } from './ingress-settings';

export interface IngressCertificates {
  refs: TlsCertificateRef[];
  secrets: Secret[];
  /** Hosts (and `*.wildcards`) with a certificate; `*` when a certificate serves any host. */
  hosts: Set<string>;
  /** Ingresses (namespace/name) that contributed a certificate. */
  contributors: Set<string>;
}

/** A `spec.tls` entry whose Secret cannot be used. */
interface UnusableEntry {
  p: ParsedIngress;
  field: string;
  code: 'missing-secret' | 'invalid-secret';
  message: string;
  hosts: string[];
}

/**
 * Certificates in Ingress age order. A host claimed twice with different Secrets stays with the first.
 * An entry whose Secret is missing or unusable gives no certificate: its hosts (unless another
 * certificate covers them) are served without TLS of their own and so not redirected to https, where
 * ingress-nginx would serve its default certificate. `problem` hears of it with the Secret named; the
 * error also names the hosts left without a certificate.
 */
export function ingressCertificates(ingresses: ParsedIngress[], ctx: IngressContext, problem: (p: ParsedIngress, message: string) => void): IngressCertificates {
  const out: IngressCertificates = { refs: [], secrets: [], hosts: new Set(), contributors: new Set() };
  const owner = new Map<string, { secret: string; ingress: string }>();
  const unusable: UnusableEntry[] = [];
  for (const p of ingresses) {
    (p.res.body.spec?.tls ?? []).forEach((tls, i) => {
      const field = `spec.tls[${i}]`;
      const hosts = (tls.hosts ?? []).map((h) => h.toLowerCase());
      if (!tls.secretName) {
        unusable.push({ p, field, hosts, code: 'missing-secret', message: 'a TLS entry needs secretName (Tidegate has no default certificate)' });
        return;
      }
      const r = resolveCertificateSecret(ctx.index, p.res.namespace, tls.secretName);
      if (!r.ok) {
        unusable.push({ p, field, hosts, code: 'invalid-secret', message: r.message });
        return;
      }
      const me = `${p.res.namespace}/${p.res.name}`;
      const hostnames: string[] = [];
      for (const host of hosts) {
        const taken = owner.get(host);
        if (taken && taken.secret !== r.secret.name) {
          ctx.sink.add(p.res, `${field}.hosts`, 'conflict', `host ${host} already has a certificate (${taken.secret}) from the older Ingress ${taken.ingress}`);
          continue;
        }
        if (!taken) owner.set(host, { secret: r.secret.name, ingress: me });
        if (!hostnames.includes(host)) hostnames.push(host);
      }
      if ((tls.hosts ?? []).length > 0 && hostnames.length === 0) return;
      const ref: TlsCertificateRef = { hostnames, secretName: r.secret.name };
      for (const group of ANNOTATION_GROUPS) {
        const s = p.settings.get(group);
        if (s !== undefined && group.certificate) group.certificate(s, ref);
      }
      out.refs.push(ref);
      if (!out.secrets.some((s) => s.name === r.secret.name)) out.secrets.push(r.secret);
      for (const h of hostnames.length ? hostnames : ['*']) out.hosts.add(h);
      out.contributors.add(me);
    });
  }
  // Like nginx's default certificate: connections whose SNI names no host get the oldest one.
  const first = out.refs[0];
  if (first && !out.refs.some((r) => r.hostnames.length === 0)) out.refs.push({ hostnames: [], secretName: first.secretName });
  for (const u of unusable) {
    const bare = u.hosts.filter((h) => !hostHasTls(h, out));
    const effect = bare.length ? ` (${bare.join(', ')}: no certificate, so no redirect to https)` : '';
    ctx.sink.add(u.p.res, `${u.field}.secretName`, u.code, `${u.message}${effect}`);
    // The status depends on the Ingress alone (it is kept while the Ingress is), so not on which hosts others cover.
    problem(u.p, `${u.field}.secretName: ${u.message}`);
  }
  return out;
}

/** Whether `host` (a rule host) is served with a certificate. */
export function hostHasTls(host: string, certs: IngressCertificates): boolean {
  if (certs.hosts.size === 0) return false; // asked for every path of every host
  if (certs.hosts.has(host)) return true;
  if (host === '*') return false;
  const dot = host.indexOf('.');
  return dot > 0 && !host.startsWith('*.') && certs.hosts.has(`*${host.slice(dot)}`);
}
