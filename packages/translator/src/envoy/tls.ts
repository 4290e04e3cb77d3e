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
export interface CertificateChainPlan {
  serverNames: string[];
  secretNames: string[];
  /** The TLS settings of this chain: the listener's, overridden by the (first) certificate's own. */
  settings: ChainTlsSettings;
}

/** The settings that can differ per certificate (per SNI), resolved for one chain. */
interface ChainTlsSettings {
  clientCaSecret?: string;
  /** Accept clients without a (valid) certificate too. */
  clientCertificateFallback?: boolean;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string[];
}

/**
 * One filter chain per certificate, matched on SNI. Certificates without hostnames share the
 * default chain (Envoy then picks among them by the certificates' own names). A hostname
 * claimed twice stays with the first certificate: Envoy rejects duplicate chain matches.
 */
export function downstreamFilterChains(tls: DownstreamTls, alpnDefault: string[], filters: EnvoyObject[]): EnvoyObject[] {
  return planCertificateChains(tls).map((plan) => {
    const chain: EnvoyObject = { name: plan.secretNames.join(',') };
    if (plan.serverNames.length) chain.filter_chain_match = { server_names: plan.serverNames };
    chain.filters = filters;
    chain.transport_socket = downstreamTransportSocket(tls, plan, alpnDefault);
    return chain;
  });
}

/**
 * Groups the listener's certificates into filter chains. A certificate's own client CA, TLS
 * versions and ciphers (ingress-nginx sets these per host) override the listener's for its
 * chain; the default chain takes the overrides of its first certificate.
 */
export function planCertificateChains(tls: DownstreamTls): CertificateChainPlan[] {
  const claimed = new Set<string>();
  const plans: CertificateChainPlan[] = [];
  let fallback: CertificateChainPlan | undefined;
  for (const cert of tls.certificates) {
    if (cert.hostnames.length === 0) {
      if (!fallback) plans.push((fallback = { serverNames: [], secretNames: [], settings: chainSettings(tls, cert) }));
      fallback.secretNames.push(cert.secretName);
      continue;
    }
    const names = [...new Set(cert.hostnames.map((h) => h.toLowerCase()))].filter((h) => !claimed.has(h));
    names.forEach((h) => claimed.add(h));
    if (names.length) plans.push({ serverNames: names, secretNames: [cert.secretName], settings: chainSettings(tls, cert) });
  }
  return plans;
}

function chainSettings(tls: DownstreamTls, cert: TlsCertificateRef): ChainTlsSettings {
  const out: ChainTlsSettings = {};
  const clientCaSecret = cert.clientCaSecret ?? tls.clientCaSecret;
  const minVersion = cert.minVersion ?? tls.minVersion;
  const maxVersion = cert.maxVersion ?? tls.maxVersion;
  const ciphers = cert.ciphers?.length ? cert.ciphers : tls.ciphers;
  if (clientCaSecret) out.clientCaSecret = clientCaSecret;
  // The listener's fallback goes with the listener's CA, not with a certificate's own.
  if (clientCaSecret && !cert.clientCaSecret && tls.clientCertificateFallback) out.clientCertificateFallback = true;
  if (minVersion) out.minVersion = minVersion;
  if (maxVersion) out.maxVersion = maxVersion;
  if (ciphers?.length) out.ciphers = ciphers;
  return out;
}

/** The `transport_socket` terminating TLS for one chain: its certificates by SDS and its settings. */
export function downstreamTransportSocket(tls: DownstreamTls, plan: CertificateChainPlan, alpnDefault: string[]): EnvoyObject {
  return {
    name: FilterName.TlsTransportSocket,
    typed_config: typed(ConfigType.DownstreamTlsContext, downstreamTlsContext(plan, tls.alpn ?? alpnDefault)),
  };
}

function downstreamTlsContext(plan: CertificateChainPlan, alpn: string[]): EnvoyObject {
  const { settings } = plan;
  const common: EnvoyObject = {};
  const params = tlsParams(settings);
  if (params) common.tls_params = params;
  common.tls_certificate_sds_secret_configs = plan.secretNames.map(sdsSecretConfig);
  if (settings.clientCaSecret && settings.clientCertificateFallback) {
    // The certificate is still asked for, but neither its absence nor a failed chain check
    // ends the handshake; the SDS CA is merged into a context that accepts untrusted chains.
    common.combined_validation_context = {
      default_validation_context: { trust_chain_verification: 'ACCEPT_UNTRUSTED' },
      validation_context_sds_secret_config: sdsSecretConfig(settings.clientCaSecret),
    };
  } else if (settings.clientCaSecret) common.validation_context_sds_secret_config = sdsSecretConfig(settings.clientCaSecret);
  if (alpn.length) common.alpn_protocols = [...alpn];
  const ctx: EnvoyObject = { common_tls_context: common };
  if (settings.clientCaSecret) ctx.require_client_certificate = { value: !settings.clientCertificateFallback };
  return ctx;
}

function tlsParams(settings: ChainTlsSettings): EnvoyObject | undefined {
  const out: EnvoyObject = {};
  if (settings.minVersion) out.tls_minimum_protocol_version = TLS_VERSION[settings.minVersion];
  if (settings.maxVersion) out.tls_maximum_protocol_version = TLS_VERSION[settings.maxVersion];
  if (settings.ciphers?.length) out.cipher_suites = [...settings.ciphers];
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
    const uris = tls.uriSubjectAltNames ?? [];
    // Without any expected name the SNI is the one the certificate must carry.
    const dns = tls.subjectAltNames ?? (tls.sni && !uris.length ? [tls.sni] : []);
    const defaults: EnvoyObject = {};
    // Envoy accepts the certificate when any one matcher matches any of its SANs.
    const matchers = [
      ...dns.map((name) => ({ san_type: 'DNS', matcher: { exact: name } })),
      ...uris.map((uri) => ({ san_type: 'URI', matcher: { exact: uri } })),
    ];
    if (matchers.length) defaults.match_typed_subject_alt_names = matchers;
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
