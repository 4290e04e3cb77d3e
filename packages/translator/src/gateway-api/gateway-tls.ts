// Gateway spec.tls: client certificate validation on HTTPS listeners (frontend) and the client certificate for TLS backends.
import type { Secret } from '@tidegate/ir';
import { resolveCertificateSecret, type Problem } from '../resources';
import { loadCaBundle } from './ca-bundles';
import type { Context } from './context';
import { GATEWAY_GROUP } from './constants';
import type { FrontendValidationSpec } from './gateway-schema';
import type { GatewayState, ListenerState } from './gateway-state';
import { addProblem } from './problems';
import { referenceAllowed } from './reference-grant';

/** What one frontend validation stanza (default or per port) resolves to. */
interface FrontendOutcome {
  secret?: Secret;
  /** AllowInsecureFallback: clients without a valid certificate are accepted too. */
  fallback?: boolean;
  /** ResolvedRefs False on the listeners it applies to. */
  refs?: Problem;
  /** Accepted False on those listeners (no usable CA). */
  rejected?: Problem;
}

/**
 * Applies `spec.tls` to a Gateway's listeners and state. Frontend validation (per port, else
 * the default) makes HTTPS listeners require client certificates signed by its CAs (with mode
 * AllowInsecureFallback: ask for them, but accept clients without a valid one); an invalid
 * CA reference is ResolvedRefs False (InvalidCACertificateRef, InvalidCACertificateKind,
 * RefNotPermitted), all invalid also Accepted False / NoValidCACertificate. The backend client
 * certificate is presented to every TLS backend of this Gateway that has none of its own.
 */
export function applyGatewayTls(ctx: Context, gw: GatewayState): void {
  const tls = gw.res.body.spec.tls;
  if (!tls) return;
  const frontend = tls.frontend;
  if (frontend) {
    // Gateway API asks for InsecureFrontendValidationMode whenever the fallback is configured.
    const stanzas = [frontend.default.validation, ...(frontend.perPort ?? []).map((p) => p.tls.validation)];
    if (stanzas.some((v) => v?.mode === 'AllowInsecureFallback')) gw.insecureFrontend = true;
    const outcomes = new Map<number | 'default', FrontendOutcome>();
    const outcomeFor = (port: number): FrontendOutcome => {
      const i = frontend.perPort?.findIndex((p) => p.port === port) ?? -1;
      const key = i >= 0 ? port : 'default';
      let o = outcomes.get(key);
      if (!o) {
        const validation = i >= 0 ? frontend.perPort?.[i]?.tls.validation : frontend.default.validation;
        const path = i >= 0 ? `spec.tls.frontend.perPort[${i}].tls.validation` : 'spec.tls.frontend.default.validation';
        o = validation ? resolveFrontend(ctx, gw, validation, path, key) : {};
        outcomes.set(key, o);
      }
      return o;
    };
    for (const l of gw.listeners) {
      if (l.protocol !== 'HTTPS' || l.notAccepted) continue;
      applyFrontend(l, outcomeFor(l.port));
    }
  }
  const ref = tls.backend?.clientCertificateRef;
  if (ref) {
    const namespace = ref.namespace ?? gw.res.namespace;
    const fail = (reason: string, message: string) => {
      gw.refsProblem = { reason, message };
      ctx.sink.add(gw.res, 'spec.tls.backend.clientCertificateRef', reason === 'RefNotPermitted' ? 'ref-not-permitted' : 'invalid-client-certificate-ref', message);
    };
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') {
      fail('InvalidClientCertificateRef', `clientCertificateRef must be a core Secret, not ${ref.group ?? ''}/${ref.kind}`);
    } else if (!referenceAllowed(ctx.index, { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.res.namespace }, { group: '', kind: 'Secret', namespace, name: ref.name })) {
      fail('RefNotPermitted', `Secret ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`);
    } else {
      const r = resolveCertificateSecret(ctx.index, namespace, ref.name);
      if (r.ok) gw.builder.setBackendClientCertificate(r.secret);
      else fail('InvalidClientCertificateRef', r.message);
    }
  }
}

function applyFrontend(l: ListenerState, o: FrontendOutcome): void {
  if (o.refs) l.refsProblem = addProblem(l.refsProblem, o.refs);
  if (o.rejected) l.notAccepted = addProblem(l.notAccepted, o.rejected);
  else if (o.secret) {
    l.clientCa = o.secret;
    if (o.fallback) l.clientCaFallback = true;
  }
}

function resolveFrontend(ctx: Context, gw: GatewayState, v: FrontendValidationSpec, path: string, key: number | 'default'): FrontendOutcome {
  const out: FrontendOutcome = {};
  const report = (field: string, code: string, message: string) => ctx.sink.add(gw.res, `${path}${field}`, code, message);
  if (v.mode === 'AllowInsecureFallback') out.fallback = true;
  const pems: string[] = [];
  v.caCertificateRefs.forEach((ref, i) => {
    const namespace = ref.namespace ?? gw.res.namespace;
    const field = `.caCertificateRefs[${i}]`;
    const known = ref.group === '' && (ref.kind === 'ConfigMap' || ref.kind === 'Secret');
    let problem: Problem | undefined;
    if (known && !referenceAllowed(ctx.index, { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.res.namespace }, { group: '', kind: ref.kind, namespace, name: ref.name })) {
      problem = { reason: 'RefNotPermitted', message: `${ref.kind} ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it` };
    } else {
      const bundle = loadCaBundle(ctx.index, namespace, ref);
      if (bundle.ok) pems.push(bundle.pem.trim());
      else problem = { reason: bundle.reason === 'InvalidKind' ? 'InvalidCACertificateKind' : 'InvalidCACertificateRef', message: bundle.message };
    }
    if (problem) {
      out.refs = addProblem(out.refs, problem);
      report(field, problem.reason === 'RefNotPermitted' ? 'ref-not-permitted' : 'invalid-ca-certificate-ref', problem.message);
    }
  });
  if (pems.length === 0) {
    out.rejected = { reason: 'NoValidCACertificate', message: `no caCertificateRef could be used: ${out.refs?.message ?? 'none given'}` };
    return out;
  }
  out.secret = { name: `k8s/${gw.res.namespace}/gateway/${gw.res.name}/client-ca/${key}`, type: 'ca', caCertificate: `${pems.join('\n')}\n` };
  return out;
}
