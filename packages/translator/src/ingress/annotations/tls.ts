// Downstream TLS per host: client certificates (auth-tls-secret), ciphers and protocol versions.
import type { TlsCertificateRef, TlsVersion } from '@tidegate/ir';
import { caFromData } from '../../resources/secret-data';
import { annotation, type AnnotationGroup } from './annotation';
import { list, objectRef, read, type Parsed } from './values';

export interface TlsSettings {
  clientCaSecret?: string;
  ciphers?: string[];
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}

const AUTH_TLS_SECRET = annotation('auth-tls-secret', 'supported', '`namespace/name` Secret whose ca.crt (or Higress\'s cacert) verifies client certificates on the Ingress\'s TLS hosts; a client without a valid certificate cannot connect');
const VERIFY_CLIENT = annotation('auth-tls-verify-client', 'supported', '"on" (default) requires a client certificate; "off" turns auth-tls-secret off', {
  limits: 'optional and optional_no_ca (partly supported) are treated as "on": the IR can only require client certificates',
});
const VERIFY_DEPTH = annotation('auth-tls-verify-depth', 'unsupported', 'Envoy has no chain depth limit');
const PASS_CERT = annotation('auth-tls-pass-certificate-to-upstream', 'unsupported', 'the IR cannot forward the client certificate (X-Forwarded-Client-Cert)');
const ERROR_PAGE = annotation('auth-tls-error-page', 'unsupported', 'a failed client certificate ends the TLS handshake; there is no page to redirect to');
const MATCH_CN = annotation('auth-tls-match-cn', 'unsupported', 'the IR cannot match client certificate subjects');
const SSL_CIPHERS = annotation('ssl-ciphers', 'supported', 'cipher suites (colon-separated OpenSSL names) of the Ingress\'s TLS hosts, for TLS 1.0-1.2');
const SSL_CIPHER = annotation('ssl-cipher', 'supported', 'cipher suites (comma-separated) of the Ingress\'s TLS hosts, for TLS 1.0-1.2', { higressOnly: true });
const MIN_VERSION = annotation('tls-min-protocol-version', 'supported', 'lowest TLS version of the Ingress\'s TLS hosts: TLSv1.0-TLSv1.3', { higressOnly: true });
const MAX_VERSION = annotation('tls-max-protocol-version', 'supported', 'highest TLS version of the Ingress\'s TLS hosts: TLSv1.0-TLSv1.3', { higressOnly: true });
const PREFER_SERVER = annotation('ssl-prefer-server-ciphers', 'unsupported', 'not configurable in the IR');
const PASSTHROUGH = annotation('ssl-passthrough', 'unsupported', 'Ingress hosts are TLS-terminated; use a Gateway API TLSRoute for passthrough');

function version(text: string): Parsed<TlsVersion> {
  const m = /^TLSv(1\.[0-3])$/.exec(text.trim());
  return m ? { ok: true, value: m[1] as TlsVersion } : { ok: false, message: 'must be TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3' };
}

const cipherList = (separator: string) => (text: string): Parsed<string[]> => {
  const items = list(text, separator);
  const wrong = items.filter((c) => !/^[A-Za-z0-9_+-]+$/.test(c));
  if (items.length === 0) return { ok: false, message: 'must list at least one cipher' };
  if (wrong.length) return { ok: false, message: `${wrong.join(', ')} not a cipher name` };
  return { ok: true, value: items };
};

export const tlsGroup: AnnotationGroup<TlsSettings> = {
  id: 'tls',
  annotations: [AUTH_TLS_SECRET, VERIFY_CLIENT, VERIFY_DEPTH, PASS_CERT, ERROR_PAGE, MATCH_CN, SSL_CIPHERS, SSL_CIPHER, MIN_VERSION, MAX_VERSION, PREFER_SERVER, PASSTHROUGH],
  parse(a, ctx) {
    const s: TlsSettings = {};
    const verify = read(a, VERIFY_CLIENT, ctx, (t) =>
      ['on', 'off', 'optional', 'optional_no_ca'].includes(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: 'must be on, off, optional or optional_no_ca' },
    );
    if (verify === 'optional' || verify === 'optional_no_ca') ctx.remark((a.get(VERIFY_CLIENT) as { key: string }).key, `${verify} runs as "on"`, true);
    const ref = read(a, AUTH_TLS_SECRET, ctx, objectRef(ctx.namespace));
    const found = a.get(AUTH_TLS_SECRET);
    if (ref && found && verify !== 'off') {
      const data = ctx.lookups.secretData(ref.namespace, ref.name);
      const ca = data.ok ? caFromData(ref.namespace, ref.name, data.data, ['ca.crt', 'cacert']) : { problem: data.message };
      if (ca.secret) {
        ctx.need({ secret: ca.secret });
        s.clientCaSecret = ca.secret.name;
      } else ctx.broken(found.key, ca.problem ?? `Secret ${ref.namespace}/${ref.name} has no ca.crt`);
    } else if (found && verify === 'off') ctx.remark(found.key, 'ignored: auth-tls-verify-client is "off"');
    const ciphers = read(a, SSL_CIPHERS, ctx, cipherList(':')) ?? read(a, SSL_CIPHER, ctx, cipherList(','));
    if (ciphers) s.ciphers = ciphers;
    const min = read(a, MIN_VERSION, ctx, version);
    if (min) s.minVersion = min;
    const max = read(a, MAX_VERSION, ctx, version);
    if (max) s.maxVersion = max;
    if (min && max && min > max) {
      ctx.invalid((a.get(MIN_VERSION) as { key: string }).key, `TLSv${min} is above tls-max-protocol-version TLSv${max}`);
      delete s.minVersion;
    }
    return Object.keys(s).length ? s : undefined;
  },
  certificate(s, cert: TlsCertificateRef) {
    if (s.clientCaSecret) cert.clientCaSecret = s.clientCaSecret;
    if (s.ciphers) cert.ciphers = [...s.ciphers];
    if (s.minVersion) cert.minVersion = s.minVersion;
    if (s.maxVersion) cert.maxVersion = s.maxVersion;
  },
};
