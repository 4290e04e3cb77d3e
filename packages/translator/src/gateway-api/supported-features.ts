// The Gateway API features Tidegate reports in GatewayClass `status.supportedFeatures`.
import { compareStrings } from '@tidegate/common';

/**
 * Feature names (Gateway API v1.5 conformance names), each backed by tests here: a golden case
 * in `testdata/` and, where named, an end-to-end suite through real Envoy. Left out on purpose
 * (not supported, or not tested): GatewayListenerSet / ListenerSet,
 * GatewayStaticAddresses and GatewayAddressEmpty (their status semantics are untested),
 * GatewayHTTPSListenerDetectMisdirectedRequests (no 421), GatewayInfrastructurePropagation,
 * HTTPRouteDestinationPortMatching, HTTPRouteBackendProtocolWebSocket (no appProtocol test),
 * HTTPRouteExternalAuth, UDPRoute and the mesh features, and the cookie session-persistence
 * features (HTTPRoute cookie sessions work, but those names also cover GRPCRoute sessions, which
 * are refused).
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  'BackendTLSPolicy', // backend-tls-policy; e2e/gateway-backend-tls
  'BackendTLSPolicySANValidation', // backend-tls-policy (Hostname and URI names); e2e/gateway-backend-tls
  'GRPCRoute', // grpc-route; e2e/gateway-grpc
  'GRPCRouteNamedRouteRule', // grpc-route
  'Gateway', // every case; e2e/gateway-*
  'GatewayBackendClientCertificate', // gateway-tls
  'GatewayFrontendClientCertificateValidation', // gateway-tls, client-mtls; e2e/gateway-client-certificates
  'GatewayFrontendClientCertificateValidationInsecureFallback', // gateway-tls; e2e/gateway-client-certificates
  'GatewayHTTPListenerIsolation', // listener-isolation
  'GatewayPort8080', // http-basic and others listen on 8080
  'HTTPRoute', // http-basic; e2e/gateway-http-semantics
  'HTTPRoute303RedirectStatusCode', // e2e/gateway-http-semantics
  'HTTPRoute307RedirectStatusCode', // e2e/gateway-http-semantics
  'HTTPRoute308RedirectStatusCode', // e2e/gateway-http-semantics
  'HTTPRouteBackendProtocolH2C', // endpoint-slices
  'HTTPRouteBackendRequestHeaderModification', // header-filters
  'HTTPRouteBackendTimeout', // timeouts-retry
  'HTTPRouteCORS', // http-experimental; e2e/gateway-http-semantics
  'HTTPRouteHostRewrite', // url-rewrite
  'HTTPRouteMethodMatching', // matches
  'HTTPRouteNamedRouteRule', // http-experimental
  'HTTPRouteParentRefPort', // allowed-routes, listener-merge
  'HTTPRoutePathRedirect', // redirect
  'HTTPRoutePathRewrite', // url-rewrite
  'HTTPRoutePortRedirect', // redirect
  'HTTPRouteQueryParamMatching', // matches
  'HTTPRouteRequestMirror', // request-mirror; e2e/gateway-http-semantics
  'HTTPRouteRequestMultipleMirrors', // request-mirror
  'HTTPRouteRequestPercentageMirror', // request-mirror; e2e/gateway-http-semantics
  'HTTPRouteRequestTimeout', // timeouts-retry
  'HTTPRouteResponseHeaderModification', // header-filters
  'HTTPRouteRetry', // timeouts-retry
  'HTTPRouteSchemeRedirect', // redirect
  'ReferenceGrant', // cross-namespace-backend, certificate-refs
  'TCPRoute', // tcp-route; e2e/gateway-l4
  'TLSRoute', // tls-passthrough; e2e/gateway-l4
  'TLSRouteModeMixed', // shared-port-sni, tls-terminate; e2e/gateway-shared-port
  'TLSRouteModeTerminate', // tls-terminate; e2e/gateway-l4
];

/** `status.supportedFeatures` as the GatewayClass CRD wants it: `{name}` entries in ascending order by name. */
export function supportedFeatures(): Array<{ name: string }> {
  return [...SUPPORTED_FEATURES].sort(compareStrings).map((name) => ({ name }));
}
