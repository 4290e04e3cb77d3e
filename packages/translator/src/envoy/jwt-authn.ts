// JWT authentication per route (Envoy's jwt_authn): one filter per listener holding every provider, each route naming its requirement.
import { duration } from '@tidegate/envoy-api';
import { jwtAuthnCheck, type HttpListener, type JwtAuthn, type JwtProvider, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { collectFromHosts, enabledOnRoute, perRouteFilter } from './per-route-filter';

const JWKS_FETCH_TIMEOUT_MS = 5_000;

/** The requirement a route names: its providers (any one suffices) and whether a missing token passes. */
export function jwtRequirementName(j: JwtAuthn): string {
  return `${j.providers.map((p) => p.name).join('|')}${j.optional ? '?optional' : ''}`;
}

/**
 * One jwt_authn filter, off unless a route switches it on, with every provider the listener's
 * routes use and one named requirement per distinct provider set. A route without `jwt` never
 * runs it. Failing requests get 401 with Envoy's `WWW-Authenticate: Bearer realm=…`.
 */
export function jwtAuthnFilters(l: HttpListener): HttpFilterPart[] {
  const auths = collectFromHosts(l, 'jwt', (vh) => vh.routes.flatMap((r) => (r.jwt ? [r.jwt] : [])));
  if (auths.length === 0) return [];
  const providers: EnvoyObject = {};
  const requirements: EnvoyObject = {};
  // Each provider copies every claim some route of the listener requires of it to a check header.
  const checked = new Map<string, Set<string>>();
  for (const a of auths) {
    for (const p of a.providers) for (const c of a.requiredClaims ?? []) checked.set(p.name, (checked.get(p.name) ?? new Set()).add(c.claim));
  }
  for (const a of auths) {
    for (const p of a.providers) providers[p.name] ??= providerConfig(p, [...(checked.get(p.name) ?? [])].sort());
    requirements[jwtRequirementName(a)] ??= requirement(a);
  }
  const parts = [perRouteFilter(FilterName.JwtAuthn, ConfigType.JwtAuthn, { providers, requirement_map: requirements })];
  // No rules listener-wide: the claims filter enforces only what a route gives it.
  if (auths.some((a) => a.requiredClaims?.length)) parts.push(perRouteFilter(FilterName.JwtClaims, ConfigType.Rbac, {}));
  return parts;
}

/**
 * Switches the route's requirement on. A client's own copies of the claim headers never reach
 * the backend: jwt_authn removes them whether or not a token is verified (e2e/gateway-jwt.test.ts).
 */
export function jwtAuthnPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (!r.jwt) return undefined;
  const out: EnvoyObject = { [FilterName.JwtAuthn]: enabledOnRoute(ConfigType.JwtAuthnPerRoute, { requirement_name: jwtRequirementName(r.jwt) }) };
  if (r.jwt.requiredClaims?.length) out[FilterName.JwtClaims] = enabledOnRoute(ConfigType.RbacPerRoute, { rbac: { rules: claimRules(r.jwt) } });
  return out;
}

/** The request header jwt_authn copies a required claim to, for the claims filter to check. */
export const claimCheckHeader = (claim: string): string => `x-tidegate-jwt-claim-${claim.toLowerCase()}`;

/**
 * Required claims as one RBAC ALLOW policy on the headers jwt_authn copied them to from the
 * verified token (it removes client-sent copies first): every claim must have its exact value, else 403.
 */
function claimRules(j: JwtAuthn): EnvoyObject {
  const ids = (j.requiredClaims ?? []).map((c) => ({ header: { name: claimCheckHeader(c.claim), string_match: { exact: c.value } } }));
  const principal = ids.length === 1 ? ids[0]! : { and_ids: { ids } };
  return { action: 'ALLOW', policies: { 'required-claims': { permissions: [{ any: true }], principals: [principal] } } };
}

/** `allow_missing` lets a request without a token through, but still refuses one that fails verification. */
function requirement(a: JwtAuthn): EnvoyObject {
  const one = a.providers.map((p) => ({ provider_name: p.name }));
  const any = a.optional ? [...one, { allow_missing: {} }] : one;
  return any.length === 1 ? (any[0] as EnvoyObject) : { requires_any: { requirements: any } };
}

function providerConfig(p: JwtProvider, checkedClaims: readonly string[]): EnvoyObject {
  const out: EnvoyObject = {};
  if (p.issuer) out.issuer = p.issuer;
  if (p.audiences?.length) out.audiences = p.audiences;
  if (p.jwks.kind === 'remote') {
    const remote: EnvoyObject = { http_uri: { uri: p.jwks.uri, cluster: p.jwks.backend, timeout: duration(JWKS_FETCH_TIMEOUT_MS) } };
    if (p.jwks.cacheDurationMs !== undefined) remote.cache_duration = duration(p.jwks.cacheDurationMs);
    out.remote_jwks = remote;
  } else {
    out.local_jwks = { inline_string: p.jwks.json };
  }
  // Explicit locations, so Envoy's implicit `access_token` query parameter is never accepted unasked.
  const headers = p.fromHeaders ?? (p.fromParams || p.fromCookies ? [] : [{ name: 'Authorization', prefix: 'Bearer ' }]);
  if (headers.length) out.from_headers = headers.map((h) => (h.prefix ? { name: h.name, value_prefix: h.prefix } : { name: h.name }));
  if (p.fromParams?.length) out.from_params = p.fromParams;
  if (p.fromCookies?.length) out.from_cookies = p.fromCookies;
  const toHeaders = [
    ...(p.claimToHeaders ?? []).map((c) => ({ header_name: c.header, claim_name: c.claim })),
    ...checkedClaims.map((claim) => ({ header_name: claimCheckHeader(claim), claim_name: claim })),
  ];
  if (toHeaders.length) out.claim_to_headers = toHeaders;
  return out;
}

/** The jwt-authn feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const jwtAuthnFeature: HttpFeature = {
  name: 'jwt-authn',
  phase: 'authn',
  listenerFilters: jwtAuthnFilters,
  perRoute: jwtAuthnPerFilterConfig,
  perVirtualHost: { none: 'JWT authentication is set per route' },
  validation: jwtAuthnCheck,
  references: [
    {
      configType: ConfigType.JwtAuthn,
      refs: (o) =>
        Object.entries((o.providers ?? {}) as Record<string, { remote_jwks?: { http_uri?: { cluster?: unknown } } }>).flatMap(([name, p]) =>
          p.remote_jwks?.http_uri ? [{ kind: 'cluster' as const, name: p.remote_jwks.http_uri.cluster, path: `providers.${name}.remote_jwks.http_uri.cluster` }] : [],
        ),
    },
  ],
  goldenCases: ['jwt-authn'],
};
