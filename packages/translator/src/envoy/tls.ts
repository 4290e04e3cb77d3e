// TLS: downstream contexts per certificate, upstream contexts, and Secrets, all linked by SDS over ADS.
import { typed } from '@tidegate/envoy-api';
import type { DownstreamTls, Secret, TlsCertificateRef, TlsVersion, UpstreamTls } from '@tidegate/ir';
import { adsConfigSource } from './config-source';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';

const TLS_VERSION: Record<TlsVersion, string> = { '1.0': 'TLSv1_0', '1.1': 'TLSv1_1', '1.2': 'TLSv1_2', '1.3': 'TLSv1_3' };

/** An `SdsSecretConfig`: the secret `name`, fetched on the ADS stream. */
export function sdsSecretConfig(name: string): EnvoyObject {
  return { name, sds_config: adsConfigSource() };
}

/** One certificate set and the server names it answers (none: the default chain). */
interface CertificateChainPlan {
  serverNames: string[];
  secretNames: string[];
}

/**
 * One filter chain per certificate, matched on SNI. Certificates without hostnames share the
 * default chain (Envoy then picks among them by the certificates' own names). A hostname
 * claimed twice stays with the first certificate: Envoy rejects duplicate chain matches.
 */
export function downstreamFilterChains(tls: DownstreamTls, alpnDefault: string[], filters: EnvoyObject[]): EnvoyObject[] {
  return planChains(tls.certificates).map((plan) => {
    const chain: EnvoyObject = { name: plan.secretNames.join(',') };
    if (plan.serverNames.length) chain.filter_chain_match = { server_names: plan.serverNames };
    chain.filters = filters;
    chain.transport_socket = {
      name: FilterName.TlsTransportSocket,
      typed_config: typed(ConfigType.DownstreamTlsContext, downstreamTlsContext(tls, plan.secretNames, alpnDefault)),
    };
    return chain;
  });
}

function planChains(certs: TlsCertificateRef[]): CertificateChainPlan[] {
  const claimed = new Set<string>();
  const plans: CertificateChainPlan[] = [];
  let fallback: CertificateChainPlan | undefined;
  for (const cert of certs) {
    if (cert.hostnames.length === 0) {
      if (!fallback) plans.push((fallback = { serverNames: [], secretNames: [] }));
      fallback.secretNames.push(cert.secretName);
      continue;
    }
    const names = [...new Set(cert.hostnames.map((h) => h.toLowerCase()))].filter((h) => !claimed.has(h));
    names.forEach((h) => claimed.add(h));
    if (names.length) plans.push({ serverNames: names, secretNames: [cert.secretName] });
  }
  return plans;
}

function downstreamTlsContext(tls: DownstreamTls, secretNames: string[], alpnDefault: string[]): EnvoyObject {
  const common: EnvoyObject = {};
  const params = tlsParams(tls);
  if (params) common.tls_params = params;
  common.tls_certificate_sds_secret_configs = secretNames.map(sdsSecretConfig);
  if (tls.clientCaSecret) common.validation_context_sds_secret_config = sdsSecretConfig(tls.clientCaSecret);
  const alpn = tls.alpn ?? alpnDefault;
  if (alpn.length) common.alpn_protocols = [...alpn];
  const ctx: EnvoyObject = { common_tls_context: common };
  if (tls.clientCaSecret) ctx.require_client_certificate = { value: true };
  return ctx;
}

function tlsParams(tls: DownstreamTls): EnvoyObject | undefined {
  const out: EnvoyObject = {};
  if (tls.minVersion) out.tls_minimum_protocol_version = TLS_VERSION[tls.minVersion];
  if (tls.maxVersion) out.tls_maximum_protocol_version = TLS_VERSION[tls.maxVersion];
  if (tls.ciphers?.length) out.cipher_suites = [...tls.ciphers];
  return Object.keys(out).length ? out : undefined;
}

/**
 * The cluster's `transport_socket` for TLS to the backend. The CA comes by SDS; the
 * expected names are added through a combined validation context, since an SDS
 * validation context cannot carry them itself.
 */
export function upstreamTransportSocket(tls: UpstreamTls): EnvoyObject {
  const common: EnvoyObject = {};
  if (tls.clientCertificateSecret) common.tls_certificate_sds_secret_configs = [sdsSecretConfig(tls.clientCertificateSecret)];
  if (tls.caSecret) {
    const sans = tls.subjectAltNames ?? (tls.sni ? [tls.sni] : []);
    const defaults: EnvoyObject = {};
    if (sans.length) defaults.match_typed_subject_alt_names = sans.map((name) => ({ san_type: 'DNS', matcher: { exact: name } }));
    common.combined_validation_context = {
      default_validation_context: defaults,
      validation_context_sds_secret_config: sdsSecretConfig(tls.caSecret),
    };
  }
  if (tls.alpn?.length) common.alpn_protocols = [...tls.alpn];
  const ctx: EnvoyObject = { common_tls_context: common };
  if (tls.sni) ctx.sni = tls.sni;
  return { name: FilterName.TlsTransportSocket, typed_config: typed(ConfigType.UpstreamTlsContext, ctx) };
}

/** A `Secret` resource: a certificate with its key, or a CA bundle to verify peers with. */
export function secretResource(s: Secret): EnvoyObject {
  if (s.type === 'certificate') {
    return {
      name: s.name,
      tls_certificate: { certificate_chain: { inline_string: s.certificateChain }, private_key: { inline_string: s.privateKey } },
    };
  }
  return { name: s.name, validation_context: { trusted_ca: { inline_string: s.caCertificate } } };
}
