// Tidegate's SecurityPolicy (tidegate.io/v1alpha1): authentication on Gateways, listeners, routes and rules (JWT, API keys).
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import { jwksProblem, type ApiKeyAuth, type Backend, type JwtAuthn, type JwtProvider, type Route, type Secret } from '@tidegate/ir';
import { condition, defineKind, durationMs, type Resource } from '../resources';
import { PolicyAttachments, attachmentCondition, gatewayLevels, routeLevels, type AttachmentPoint } from '../resources/policy-attachment';
import { readSecretData } from '../resources/secret-data';
import { resolveApiKey, securityPolicyApiKeySchema } from './security-policy-api-key';
import { recordAppliedPolicy, routeThrough } from './applied-policies';
import { SYSTEM_CA_SECRET } from './backend-tls-policy';
import { gatewayTargetRefs, sectionNameSchema } from './common-schema';
import { ConfigMapKind } from './config-map';
import { GATEWAY_GROUP, TIDEGATE_GROUP } from './constants';
import type { Context } from './context';
import type { ListenerState } from './gateway-state';
import { GRPCRouteKind } from './grpc-route-schema';
import { HTTPRouteKind } from './http-route-schema';
import type { Needs, RouteEntry } from './proxy-group-builder';

const keyRef = z.strictObject({ name: z.string().min(1), key: z.string().min(1) });

const jwtProviderSchema = z
  .strictObject({
    /** Unique within the policy; a DNS label. */
    name: sectionNameSchema,
    /** Must be a URL (OpenID Connect issuers are); checked at translation so a bad one fails closed. */
    issuer: z.string().min(1).optional(),
    audiences: z.array(z.string().min(1)).min(1).optional(),
    remoteJWKS: z.strictObject({ uri: z.string().min(1), cacheDuration: durationMs.refine((ms) => ms >= 1, 'must be at least 1ms').optional() }).optional(),
    /** A JWKS document, or the key of a Secret or ConfigMap (in the policy's namespace) holding one. */
    localJWKS: z
      .union([z.string().min(1), z.strictObject({ secretRef: keyRef }), z.strictObject({ configMapRef: keyRef })])
      .optional(),
    /** Where the token is; absent: `Authorization: Bearer <token>`. */
    extractFrom: z
      .strictObject({
        headers: z.array(z.strictObject({ name: z.string().min(1), valuePrefix: z.string().optional() })).min(1).optional(),
        params: z.array(z.string().min(1)).min(1).optional(),
        cookies: z.array(z.string().min(1)).min(1).optional(),
      })
      .optional(),
    claimToHeaders: z.array(z.strictObject({ claim: z.string().min(1), header: z.string().min(1) })).min(1).optional(),
  })
  .refine((p) => (p.remoteJWKS === undefined) !== (p.localJWKS === undefined), {
    message: 'exactly one of remoteJWKS and localJWKS is required',
    path: ['remoteJWKS'],
  });

/**
 * Sections are added one feature at a time (`jwt` and `apiKey` today; `basicAuth`, `extAuth`,
 * `authorization`, `waf` later): the strict schema makes any other field an `unknown-field` error.
 */
export const SecurityPolicyKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: 'SecurityPolicy',
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z.strictObject({
      targetRefs: gatewayTargetRefs(['Gateway', 'HTTPRoute', 'GRPCRoute']),
      jwt: z
        .strictObject({
          /** A request without a token passes; one whose token fails verification is still refused. */
          optional: z.boolean().optional(),
          providers: z
            .array(jwtProviderSchema)
            .min(1)
            .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'provider names must be unique'),
          /** Top-level claims the verified token must carry with exactly this value (else 403). */
          requiredClaims: z
            .array(z.strictObject({ claim: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a top-level claim name of letters, digits, "_" and "-"'), value: z.string() }))
            .min(1)
            .optional(),
        })
        .refine((j) => !(j.optional && j.requiredClaims), { message: 'required claims need a token: they cannot be combined with optional', path: ['requiredClaims'] })
        .optional(),
      /** API keys with Higress key-auth semantics (security-policy-api-key.ts). */
      apiKey: securityPolicyApiKeySchema.optional(),
    }),
  }),
});

type PolicySpec = z.output<typeof SecurityPolicyKind.body>['spec'];
type Policy = Resource<{ spec: PolicySpec }>;
type ProviderSpec = PolicySpec extends { jwt?: infer J } ? NonNullable<J> extends { providers: Array<infer P> } ? P : never : never;

const ACCEPTED_MESSAGES = {
  Accepted: 'policy is applied',
  Conflicted: 'an older or more specific SecurityPolicy governs every target',
  TargetNotFound: 'no targeted Gateway, listener, route or rule of ours exists',
};

/** What a policy gives the routes it governs: its IR settings and needs, or the reason it cannot be used (they then answer 401). */
type Effect = { ok: true; jwt?: JwtAuthn; apiKey?: ApiKeyAuth; needs: Needs } | { ok: false; field: string; message: string };

/**
 * SecurityPolicies and where they govern. At each route rule served through a listener, a
 * policy naming the rule beats one naming the route, then one naming the listener, then one
 * naming the Gateway; among equals the oldest wins (policy-attachment.ts). A policy that cannot
 * be used (a JWKS that does not parse, a missing Secret, a bad URL) fails closed: the routes it
 * governs answer 401 and the policy is `Accepted: False` naming the field.
 */
export class SecurityPolicies {
  private readonly attachments: PolicyAttachments<Policy>;
  private readonly effects = new Map<Policy, Effect>();
  private readonly points: AttachmentPoint[] = [];

  constructor(private readonly ctx: Context) {
    this.attachments = new PolicyAttachments(ctx.index.list(SecurityPolicyKind), {
      targetRefs: (p) => p.body.spec.targetRefs.map((t) => ({ group: GATEWAY_GROUP, kind: t.kind, name: t.name, sectionName: t.sectionName })),
      targetExists: (p, t) => targetExists(ctx, p.namespace, t.kind, t.name, t.sectionName),
    });
    for (const p of this.attachments.policies) {
      const effect = resolvePolicy(ctx, p);
      this.effects.set(p, effect);
      if (!effect.ok) ctx.sink.add(p, effect.field, 'invalid-policy', effect.message);
    }
  }

  /**
   * The entries of route `res` served through `listener`, each with the policy that governs it
   * applied (new IR routes; the translated ones are shared and left alone), and what they need.
   */
  apply(res: Resource<unknown>, entries: readonly RouteEntry[], listener: ListenerState): { entries: RouteEntry[]; needs: Needs } {
    const gw = listener.gateway.res;
    const gateway = gatewayLevels(GATEWAY_GROUP, gw.namespace, gw.name, [listener.name]);
    const needs: Needs = { backends: [], secrets: [] };
    const out = entries.map((e) => {
      const point = routeLevels({ group: GATEWAY_GROUP, kind: res.ref.kind, namespace: res.namespace, name: res.name, ...(e.rule !== undefined ? { rule: e.rule } : {}) }, gateway);
      this.points.push(point);
      const winner = this.attachments.winner(point);
      if (!winner) return e;
      recordAppliedPolicy(routeThrough(res, listener), { kind: winner.ref.kind, namespace: winner.namespace, name: winner.name });
      const effect = this.effects.get(winner) as Effect;
      if (!effect.ok) return { ...e, route: failClosed(e.route, winner.body.spec.jwt !== undefined) };
      needs.backends.push(...effect.needs.backends);
      needs.secrets.push(...effect.needs.secrets);
      if (!effect.jwt && !effect.apiKey) return e;
      return { ...e, route: { ...e.route, ...(effect.jwt ? { jwt: effect.jwt } : {}), ...(effect.apiKey ? { apiKey: effect.apiKey } : {}) } };
    });
    return { entries: out, needs };
  }

  /** Policy statuses, once every route has been through `apply`. */
  statuses(): ObjectStatus[] {
    return this.attachments.policies.map((p) => {
      const effect = this.effects.get(p) as Effect;
      const accepted = !effect.ok
        ? condition('Accepted', false, 'Invalid', `${effect.field}: ${effect.message}; the routes it governs answer 401`, p.generation)
        : attachmentCondition(this.attachments.outcome(p, this.points), ACCEPTED_MESSAGES, p.generation);
      return { kind: p.ref.kind, namespace: p.namespace, name: p.name, status: { conditions: [accepted] } };
    });
  }
}

/** A route governed by a policy that cannot be used: it answers 401 rather than serving unauthenticated (with a Bearer challenge when the policy has JWT). */
function failClosed(r: Route, bearer: boolean): Route {
  return {
    name: r.name,
    match: r.match,
    action: { kind: 'direct', status: 401 },
    ...(bearer ? { responseHeaders: { set: [{ name: 'www-authenticate', value: 'Bearer error="invalid_token"' }] } } : {}),
  };
}

function targetExists(ctx: Context, namespace: string, kind: string, name: string, section: string | undefined): boolean {
  if (kind === 'Gateway') {
    const gw = ctx.gateways.get(`${namespace}/${name}`);
    return !!gw && (section === undefined || gw.listeners.some((l) => l.name === section));
  }
  const route = kind === 'HTTPRoute' ? ctx.index.get(HTTPRouteKind, namespace, name) : ctx.index.get(GRPCRouteKind, namespace, name);
  if (!route) return false;
  const rules: ReadonlyArray<{ name?: string | undefined }> = route.body.spec.rules ?? [];
  return section === undefined || rules.some((r) => r.name === section);
}

function resolvePolicy(ctx: Context, p: Policy): Effect {
  const needs: Needs = { backends: [], secrets: [] };
  let apiKey: ApiKeyAuth | undefined;
  if (p.body.spec.apiKey) {
    const r = resolveApiKey(ctx.index, p.namespace, p.body.spec.apiKey);
    if (!r.ok) return r;
    apiKey = r.apiKey;
  }
  const jwt = p.body.spec.jwt;
  if (!jwt) return { ok: true, needs, ...(apiKey ? { apiKey } : {}) };
  const providers: JwtProvider[] = [];
  for (const [i, spec] of jwt.providers.entries()) {
    const r = resolveProvider(ctx, p, spec, `spec.jwt.providers[${i}]`, needs);
    if (!r.ok) return r;
    providers.push(r.provider);
  }
  const out: JwtAuthn = { providers };
  if (jwt.optional) out.optional = true;
  if (jwt.requiredClaims) out.requiredClaims = jwt.requiredClaims;
  return { ok: true, jwt: out, needs, ...(apiKey ? { apiKey } : {}) };
}

function resolveProvider(
  ctx: Context,
  p: Policy,
  spec: ProviderSpec,
  path: string,
  needs: Needs,
): { ok: true; provider: JwtProvider } | { ok: false; field: string; message: string } {
  const provider: JwtProvider = { name: `${p.namespace}/${p.name}/${spec.name}`, jwks: { kind: 'local', json: '' } };
  if (spec.issuer !== undefined) {
    if (!URL.canParse(spec.issuer)) return { ok: false, field: `${path}.issuer`, message: `"${spec.issuer}" is not a URL` };
    provider.issuer = spec.issuer;
  }
  if (spec.audiences) provider.audiences = spec.audiences;
  if (spec.remoteJWKS) {
    const r = jwksBackend(spec.remoteJWKS.uri);
    if (!r.ok) return { ok: false, field: `${path}.remoteJWKS.uri`, message: r.message };
    needs.backends.push(r.backend);
    needs.secrets.push(...r.secrets);
    provider.jwks = { kind: 'remote', uri: spec.remoteJWKS.uri, backend: r.backend.name };
    if (spec.remoteJWKS.cacheDuration !== undefined) provider.jwks.cacheDurationMs = spec.remoteJWKS.cacheDuration;
  } else if (spec.localJWKS !== undefined) {
    const r = localJwks(ctx, p.namespace, spec.localJWKS);
    if (!r.ok) return { ok: false, field: `${path}.localJWKS${r.field}`, message: r.message };
    provider.jwks = { kind: 'local', json: r.json };
  }
  const from = spec.extractFrom;
  if (from?.headers) provider.fromHeaders = from.headers.map((h) => (h.valuePrefix ? { name: h.name, prefix: h.valuePrefix } : { name: h.name }));
  if (from?.params) provider.fromParams = from.params;
  if (from?.cookies) provider.fromCookies = from.cookies;
  if (spec.claimToHeaders) provider.claimToHeaders = spec.claimToHeaders;
  return { ok: true, provider };
}

/** The cluster that fetches a remote JWKS: the URI's host and port, TLS verified against the system CAs for https. */
function jwksBackend(uri: string): { ok: true; backend: Backend; secrets: Secret[] } | { ok: false; message: string } {
  const url = URL.parse(uri);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return { ok: false, message: `"${uri}" is not an http or https URL` };
  const tls = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (tls ? 443 : 80));
  const name = `jwks/${host}:${port}${tls ? '/tls' : ''}`;
  const backend: Backend = isIP(host)
    ? { name, discovery: { type: 'static', endpoints: [{ address: host, port }] } }
    : { name, discovery: { type: 'dns', mode: 'strict', hostname: host, port } };
  if (!tls) return { ok: true, backend, secrets: [] };
  backend.tls = { caSecret: SYSTEM_CA_SECRET, ...(isIP(host) ? {} : { sni: host, subjectAltNames: [host] }) };
  return { ok: true, backend, secrets: [{ name: SYSTEM_CA_SECRET, type: 'ca', caCertificate: rootCertificates.join('\n') }] };
}

type LocalJwksSpec = NonNullable<ProviderSpec['localJWKS']>;

function localJwks(ctx: Context, namespace: string, spec: LocalJwksSpec): { ok: true; json: string } | { ok: false; field: string; message: string } {
  let json: string;
  let field = '';
  if (typeof spec === 'string') json = spec;
  else if ('secretRef' in spec) {
    field = '.secretRef';
    const data = readSecretData(ctx.index, namespace, spec.secretRef.name);
    if (!data.ok) return { ok: false, field, message: data.message };
    const value = data.data[spec.secretRef.key];
    if (value === undefined) return { ok: false, field: `${field}.key`, message: `Secret ${namespace}/${spec.secretRef.name} has no key ${spec.secretRef.key}` };
    json = value;
  } else {
    field = '.configMapRef';
    const cm = ctx.index.get(ConfigMapKind, namespace, spec.configMapRef.name);
    if (!cm) return { ok: false, field, message: `ConfigMap ${namespace}/${spec.configMapRef.name} not found` };
    const value = cm.body.data?.[spec.configMapRef.key];
    if (value === undefined) return { ok: false, field: `${field}.key`, message: `ConfigMap ${namespace}/${spec.configMapRef.name} has no key ${spec.configMapRef.key}` };
    json = value;
  }
  const problem = jwksProblem(json);
  return problem ? { ok: false, field, message: problem } : { ok: true, json };
}
