// SecurityPolicy JWT end to end: real Envoy, a real oidc-provider serving the JWKS, HTTPRoute and GRPCRoute, bad input failing closed.
import * as grpc from '@grpc/grpc-js';
import { waitFor } from './support/http';
import { startOidcProvider, type OidcProvider } from './support/oidc';
import { startSecurityGateway, type SecurityGateway } from './support/security-gateway';

jest.setTimeout(60_000);

let idp: OidcProvider;
let gw: SecurityGateway;

const AUDIENCE = 'tidegate-api';

function config(): string {
  const provider = `
      - name: idp
        issuer: ${idp.issuer}
        audiences: [${AUDIENCE}]
        remoteJWKS: { uri: "${idp.jwksUri}", cacheDuration: 5m }
        claimToHeaders: [{ claim: sub, header: x-jwt-sub }]`;
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [api.test]
  rules:
    - name: optional
      matches: [{ path: { value: /optional } }]
      backendRefs: [{ name: app, port: 80 }]
    - name: inline
      matches: [{ path: { value: /inline } }]
      backendRefs: [{ name: app, port: 80 }]
    - name: claims
      matches: [{ path: { value: /claims } }]
      backendRefs: [{ name: app, port: 80 }]
    - backendRefs: [{ name: app, port: 80 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: broken, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [broken.test]
  rules: [{ backendRefs: [{ name: app, port: 80 }] }]
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: api, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api }, { kind: GRPCRoute, name: rpc }]
  jwt:
    providers:${provider}
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: api-optional, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api, sectionName: optional }]
  jwt:
    optional: true
    providers:
      - name: idp
        issuer: ${idp.issuer}
        remoteJWKS: { uri: "${idp.jwksUri}" }
        extractFrom: { cookies: [session], params: [token] }
        claimToHeaders: [{ claim: sub, header: x-jwt-sub }]
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: api-inline, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api, sectionName: inline }]
  jwt:
    providers:
      - name: inline
        localJWKS: '${idp.publicJwks}'
        claimToHeaders: [{ claim: sub, header: x-jwt-sub }]
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: api-claims, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api, sectionName: claims }]
  jwt:
    requiredClaims: [{ claim: scope, value: admin }, { claim: tenant, value: blue }]
    providers:${provider}
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: broken, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: broken }]
  jwt:
    providers: [{ name: idp, localJWKS: '{"keys": [' }]
`;
}

beforeAll(async () => {
  idp = await startOidcProvider();
  gw = await startSecurityGateway({ 'routes.yaml': config() }, 'api.test');
});

afterAll(async () => {
  await gw?.close();
  await idp?.close();
});

const get: SecurityGateway['get'] = (...args) => gw.get(...args);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('JWT on an HTTPRoute (remote JWKS from the OpenID provider)', () => {
  it('a valid token gets through, and the backend sees the claim header', async () => {
    const r = await get('/', bearer(await idp.token({ sub: 'alice', aud: AUDIENCE })));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ backend: 'app', headers: { 'x-jwt-sub': 'alice' } });
  });

  it('no token: 401 with WWW-Authenticate: Bearer, and the backend is not reached', async () => {
    const before = gw.app.received.length;
    const r = await get('/');
    expect(r.status).toBe(401);
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer /);
    expect(gw.app.received.length).toBe(before);
  });

  it('a client-sent claim header never reaches the backend unverified', async () => {
    const r = await get('/', { ...bearer(await idp.token({ sub: 'alice', aud: AUDIENCE })), 'x-jwt-sub': 'mallory' });
    expect((r.json as { headers: Record<string, unknown> }).headers['x-jwt-sub']).toBe('alice');
  });

  it('wrong audience: 403 (Envoy: the token is genuine but not for this audience), with WWW-Authenticate: Bearer error="invalid_token"', async () => {
    const before = gw.app.received.length;
    const r = await get('/', bearer(await idp.token({ sub: 'a', aud: 'someone-else' })));
    expect(r.status).toBe(403);
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer .*error="invalid_token"/);
    expect(gw.app.received.length).toBe(before);
  });

  it.each([
    ['expired', () => idp.token({ sub: 'a', aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) - 600 })],
    ['wrong issuer', () => idp.token({ sub: 'a', aud: AUDIENCE, iss: 'https://evil.example' })],
    ['bad signature', () => idp.forgedToken({ sub: 'a', aud: AUDIENCE })],
    ['not a JWT', async () => 'not-a-token'],
  ])('%s token: 401', async (_what, make) => {
    const r = await get('/', bearer(await make()));
    expect(r.status).toBe(401);
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer /);
  });

  it('routes without a policy are unaffected', async () => {
    expect((await get('/', {}, 'open.test')).status).toBe(200);
  });
});

describe('a policy on one rule (sectionName) beats the route-wide one', () => {
  it('optional: no token passes, a valid cookie or query token passes with its claim, a bad token is still 401', async () => {
    const anonymous = await get('/optional', { 'x-jwt-sub': 'mallory' });
    expect(anonymous.status).toBe(200);
    expect((anonymous.json as { headers: Record<string, unknown> }).headers['x-jwt-sub']).toBeUndefined();
    const token = await idp.token({ sub: 'bob' });
    const viaCookie = await get('/optional', { cookie: `session=${token}` });
    expect(viaCookie.json).toMatchObject({ headers: { 'x-jwt-sub': 'bob' } });
    const viaQuery = await get(`/optional?token=${token}`);
    expect(viaQuery.json).toMatchObject({ headers: { 'x-jwt-sub': 'bob' } });
    expect((await get('/optional', { cookie: `session=${await idp.forgedToken({ sub: 'bob' })}` })).status).toBe(401);
  });

  it('the rule policy replaces the route one: its token locations only (a Bearer header is not read there)', async () => {
    const r = await get('/optional', bearer(await idp.token({ sub: 'carol' })));
    expect(r.status).toBe(200);
    expect((r.json as { headers: Record<string, unknown> }).headers['x-jwt-sub']).toBeUndefined();
  });

  it('inline JWKS: a token signed with that key passes, a forged one does not', async () => {
    const ok = await get('/inline', bearer(await idp.token({ sub: 'dave' })));
    expect(ok.json).toMatchObject({ headers: { 'x-jwt-sub': 'dave' } });
    expect((await get('/inline', bearer(await idp.forgedToken({ sub: 'dave' })))).status).toBe(401);
  });
});

describe('required claims', () => {
  it('a token with every claim at its value passes; another value or a missing claim is 403; no token 401', async () => {
    const claims = (extra: Record<string, unknown>) => idp.token({ sub: 'gina', aud: AUDIENCE, ...extra });
    expect((await get('/claims', bearer(await claims({ scope: 'admin', tenant: 'blue' })))).status).toBe(200);
    expect((await get('/claims', bearer(await claims({ scope: 'user', tenant: 'blue' })))).status).toBe(403);
    expect((await get('/claims', bearer(await claims({ scope: 'admin' })))).status).toBe(403);
    expect((await get('/claims')).status).toBe(401);
  });

  it('a client cannot supply a missing claim through the header the check reads', async () => {
    const token = await idp.token({ sub: 'gina', aud: AUDIENCE, scope: 'admin' });
    const r = await get('/claims', { ...bearer(token), 'x-tidegate-jwt-claim-tenant': 'blue' });
    expect(r.status).toBe(403);
  });
});

describe('bad input fails closed', () => {
  it('a JWKS that does not parse: the route answers 401 even with a valid token, and the policy says why', async () => {
    expect((await get('/', bearer(await idp.token({ sub: 'a', aud: AUDIENCE })), 'broken.test')).status).toBe(401);
    const broken = await gw.accepted('broken');
    expect(broken).toMatchObject({ type: 'Accepted', status: 'False' });
    expect(broken?.message).toContain('spec.jwt.providers[0].localJWKS');
  });
});

describe('JWT on a GRPCRoute', () => {
  it('a valid token gets through with the claim as metadata; none or a forged one is UNAUTHENTICATED', async () => {
    const token = await idp.token({ sub: 'erin', aud: AUDIENCE });
    const ok = await gw.client.call('/svc.Api/Call', { authorization: `Bearer ${token}` });
    expect(ok.reply.metadata['x-jwt-sub']).toBe('erin');
    await expect(gw.client.call('/svc.Api/Call')).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    const forged = await idp.forgedToken({ sub: 'erin', aud: AUDIENCE });
    await expect(gw.client.call('/svc.Api/Call', { authorization: `Bearer ${forged}` })).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});

describe('live changes', () => {
  it('fixing the broken policy applies at once: the route then takes valid tokens only', async () => {
    const fixed = config().replace(`localJWKS: '{"keys": ['`, `localJWKS: '${idp.publicJwks}'`);
    await gw.tg.write('routes.yaml', fixed);
    const token = await idp.token({ sub: 'frank' });
    await waitFor(async () => (await get('/', bearer(token), 'broken.test')).status === 200, 10_000, 'the fixed policy to apply');
    expect((await get('/', {}, 'broken.test')).status).toBe(401);
  });
});
