// A proxy's identity from its TLS client certificate: which proxy group it may be served.
import { fail, ok, type Result } from '@tidegate/common';

/** Trust domain of the SPIFFE IDs Tidegate issues and accepts. */
export const TIDEGATE_TRUST_DOMAIN = 'tidegate';

/** Who a client certificate says the proxy is. */
export interface PeerIdentity {
  /** The proxy group (`<namespace>/<gateway name>`) the certificate entitles the proxy to. */
  group: string;
  /** Where it was read: a `spiffe://` URI SAN, or the subject CN when the certificate has none. */
  source: 'uri-san' | 'common-name';
  /** The value as written in the certificate. */
  id: string;
}

/** The parts of a `tls.PeerCertificate` the identity is read from. */
export interface CertificateNames {
  /** Node's `subjectaltname` string, e.g. `DNS:a.example, URI:spiffe://tidegate/ns/a/gateway/b`. */
  subjectaltname?: string;
  subject?: { CN?: string | string[] };
}

// A namespace is a DNS label, a Gateway name a DNS subdomain (both lower case).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SPIFFE_PATH = /^\/ns\/([^/]+)\/gateway\/([^/]+)$/;

/** The SPIFFE ID a gateway's client certificate carries: `spiffe://tidegate/ns/<namespace>/gateway/<name>`. */
export function gatewaySpiffeId(group: string): string {
  const g = parseGroup(group);
  if (!g) throw new TypeError(`"${group}" is not a proxy group of the form <namespace>/<name>`);
  return `spiffe://${TIDEGATE_TRUST_DOMAIN}/ns/${g.namespace}/gateway/${g.name}`;
}

/**
 * Reads the identity: the one `spiffe://tidegate/ns/<namespace>/gateway/<name>` URI SAN, or —
 * only when the certificate has no `spiffe://` URI SAN at all — a subject CN `<namespace>/<name>`
 * (what Helm's `genSignedCert`, which cannot write URI SANs, can issue).
 */
export function identityOfCertificate(cert: CertificateNames): Result<PeerIdentity> {
  const spiffe = parseSubjectAltNames(cert.subjectaltname ?? '')
    .filter((san) => san.type === 'URI' && san.value.toLowerCase().startsWith('spiffe://'))
    .map((san) => san.value);
  if (spiffe.length > 1) {
    return fail({ code: 'ambiguous-identity', path: 'subjectAltName', message: `the certificate carries ${spiffe.length} SPIFFE IDs; one is expected` });
  }
  if (spiffe.length === 1) {
    const id = spiffe[0]!;
    const group = groupOfSpiffeId(id);
    if (group === undefined) {
      return fail({
        code: 'unknown-identity',
        path: 'subjectAltName',
        message: `SPIFFE ID "${id}" is not of the form spiffe://${TIDEGATE_TRUST_DOMAIN}/ns/<namespace>/gateway/<name>`,
      });
    }
    return ok({ group, source: 'uri-san', id });
  }
  const cns = cert.subject?.CN === undefined ? [] : [cert.subject.CN].flat();
  if (cns.length !== 1) {
    return fail({ code: 'no-identity', path: 'subject.CN', message: 'the certificate has neither a SPIFFE ID nor a single subject CN' });
  }
  const cn = cns[0]!;
  if (!parseGroup(cn)) {
    return fail({ code: 'unknown-identity', path: 'subject.CN', message: `subject CN "${cn}" is not a proxy group of the form <namespace>/<name>` });
  }
  return ok({ group: cn, source: 'common-name', id: cn });
}

/** `<namespace>/<name>` for a Tidegate gateway SPIFFE ID; undefined for anything else. */
export function groupOfSpiffeId(id: string): string | undefined {
  const prefix = `spiffe://${TIDEGATE_TRUST_DOMAIN}/`;
  // SPIFFE IDs are case-sensitive in the path; the scheme and trust domain are lower case by definition.
  if (!id.startsWith(prefix)) return undefined;
  const m = SPIFFE_PATH.exec(id.slice(prefix.length - 1));
  if (!m) return undefined;
  const group = `${m[1]}/${m[2]}`;
  return parseGroup(group) ? group : undefined;
}

function parseGroup(group: string): { namespace: string; name: string } | undefined {
  const slash = group.indexOf('/');
  if (slash < 0) return undefined;
  const namespace = group.slice(0, slash);
  const name = group.slice(slash + 1);
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/**
 * Splits Node's `subjectaltname` string. Values with special characters are JSON-quoted by
 * Node (since the CVE-2021-44532 fix), so a comma inside a quoted value does not split.
 */
export function parseSubjectAltNames(text: string): Array<{ type: string; value: string }> {
  const out: Array<{ type: string; value: string }> = [];
  const entry = /\s*([A-Za-z][A-Za-z ]*):("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/y;
  let m: RegExpExecArray | null;
  while (entry.lastIndex < text.length && (m = entry.exec(text))) {
    const raw = m[2]!;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    }
    out.push({ type: m[1]!, value: value.trim() });
  }
  return out;
}
