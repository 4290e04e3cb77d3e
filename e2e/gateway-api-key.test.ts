// SecurityPolicy API keys end to end: real Envoy, keys from Secrets in a header or the query, allow lists, the consumer header, a missing Secret failing closed, GRPCRoute.
import * as grpc from '@grpc/grpc-js';
import type { EchoReply } from '@tidegate/testkit';
import { simpleRoute } from './support/fixtures';
import { waitFor } from './support/http';
import { startSecurityGateway, type SecurityGateway } from './support/security-gateway';

jest.setTimeout(60_000);

let gw: SecurityGateway;

const ALICE = 'alice-0123456789abcdef';
const BOB = 'bob-fedcba9876543210';
const CAROL = 'carol-5555aaaa5555aaaa';

const secrets = (withCarol: boolean) => `
apiVersion: v1
kind: Secret
metadata: { name: alice, namespace: default }
stringData: { key: ${ALICE} }
---
apiVersion: v1
kind: Secret
metadata: { name: partners, namespace: default }
data: { bob: ${Buffer.from(BOB).toString('base64')} }
${withCarol ? `---
apiVersion: v1
kind: Secret
metadata: { name: carol, namespace: default }
stringData: { key: ${CAROL} }
` : ''}`;

const CONFIG = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [api.test]
  rules:
    - name: admin
      matches: [{ path: { value: /admin } }]
      backendRefs: [{ name: app, port: 80 }]
    - backendRefs: [{ name: app, port: 80 }]
---
${simpleRoute('HTTPRoute', 'broken', 'http', ['app'], ['broken.test'])}
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: api, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api }, { kind: GRPCRoute, name: rpc }]
  apiKey:
    credentials:
      - { name: alice, secretRef: { name: alice } }
      - { name: bob, secretRef: { name: partners, key: bob } }
    keys: [{ header: x-api-key }, { query: apikey }]
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: admins, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: api, sectionName: admin }]
  apiKey:
    credentials:
      - { name: alice, secretRef: { name: alice } }
      - { name: bob, secretRef: { name: partners, key: bob } }
    keys: [{ header: x-api-key }]
    allow: [alice]
    forwardConsumerHeader: x-consumer
---
apiVersion: tidegate.io/v1alpha1
kind: SecurityPolicy
metadata: { name: broken, namespace: default }
spec:
  targetRefs: [{ kind: HTTPRoute, name: broken }]
  apiKey:
    credentials: [{ name: carol, secretRef: { name: carol } }]
    keys: [{ header: x-api-key }]
`;

beforeAll(async () => {
  gw = await startSecurityGateway({ 'secrets.yaml': secrets(false), 'routes.yaml': CONFIG }, 'api.test');
});

afterAll(async () => gw?.close());

const get: SecurityGateway['get'] = (...args) => gw.get(...args);
const echoed = (r: { json?: unknown }) => r.json as EchoReply;

describe('API keys on an HTTPRoute', () => {
  it('a key in the header gets through; the backend sees the consumer in x-mse-consumer, and the key (Higress forwards it)', async () => {
    const r = await get('/', { 'x-api-key': ALICE });
    expect(r.status).toBe(200);
    expect(echoed(r).headers).toMatchObject({ 'x-mse-consumer': 'alice', 'x-api-key': ALICE });
  });

  it('a key in the query parameter gets through, for the consumer whose key it is', async () => {
    const r = await get(`/things?apikey=${BOB}`);
    expect(r.status).toBe(200);
    expect(echoed(r).headers['x-mse-consumer']).toBe('bob');
    expect(echoed(r).path).toBe(`/things?apikey=${BOB}`);
  });

  it('no key or a wrong key: 401, and the backend is not reached', async () => {
    const before = gw.app.received.length;
    expect((await get('/')).status).toBe(401);
    expect((await get('/', { 'x-api-key': 'not-a-key' })).status).toBe(401);
    expect((await get('/?apikey=not-a-key')).status).toBe(401);
    expect((await get('/', { 'x-other-key': ALICE })).status).toBe(401);
    expect(gw.app.received.length).toBe(before);
  });

  it('a client cannot name itself: its own x-mse-consumer is replaced by the consumer of the key', async () => {
    const r = await get('/', { 'x-api-key': BOB, 'x-mse-consumer': 'alice' });
    expect(echoed(r).headers['x-mse-consumer']).toBe('bob');
  });

  it('routes without a policy are unaffected', async () => {
    expect((await get('/', {}, 'open.test')).status).toBe(200);
  });
});

describe('allow list on one rule (sectionName beats the route policy)', () => {
  it('an allowed consumer passes with its own header; a valid key of another consumer is 403; no key 401', async () => {
    const ok = await get('/admin', { 'x-api-key': ALICE });
    expect(ok.status).toBe(200);
    expect(echoed(ok).headers['x-consumer']).toBe('alice');
    expect(echoed(ok).headers['x-mse-consumer']).toBeUndefined();
    const before = gw.app.received.length;
    expect((await get('/admin', { 'x-api-key': BOB })).status).toBe(403);
    expect((await get('/admin')).status).toBe(401);
    expect(gw.app.received.length).toBe(before);
  });

  it('the rule policy reads the header only: a query key is not looked at there', async () => {
    expect((await get(`/admin?apikey=${ALICE}`)).status).toBe(401);
  });
});

describe('API keys on a GRPCRoute', () => {
  it('a valid key in metadata gets through with the consumer; none or a wrong one is UNAUTHENTICATED', async () => {
    const ok = await gw.client.call('/svc.Api/Call', { 'x-api-key': ALICE });
    expect(ok.reply.metadata['x-mse-consumer']).toBe('alice');
    await expect(gw.client.call('/svc.Api/Call')).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    await expect(gw.client.call('/svc.Api/Call', { 'x-api-key': 'nope' })).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});

describe('keys stay secret', () => {
  it.each(['/debug/ir', '/debug/config_dump?node=default/gw', '/debug/status'])('%s shows no key', async (path) => {
    const text = await (await fetch(`http://127.0.0.1:${gw.tg.plane.adminPort}${path}`)).text();
    expect(text.length).toBeGreaterThan(100);
    for (const key of [ALICE, BOB]) expect(text).not.toContain(key);
    if (path !== '/debug/status') expect(text).toMatch(/"key": ?"\[redacted\]"/);
  });
});

describe('a missing Secret fails closed', () => {
  it('the route answers 401 to every request and the policy names the field', async () => {
    expect((await get('/', { 'x-api-key': CAROL }, 'broken.test')).status).toBe(401);
    expect((await get('/', { 'x-api-key': ALICE }, 'broken.test')).status).toBe(401);
    const broken = await gw.accepted('broken');
    expect(broken).toMatchObject({ type: 'Accepted', status: 'False' });
    expect(broken?.message).toContain('spec.apiKey.credentials[0].secretRef: Secret default/carol not found');
  });

  it('adding the Secret applies at once: then its key gets through, and others still do not', async () => {
    await gw.tg.write('secrets.yaml', secrets(true));
    await waitFor(async () => (await get('/', { 'x-api-key': CAROL }, 'broken.test')).status === 200, 10_000, 'the Secret to apply');
    expect((await get('/', { 'x-api-key': ALICE }, 'broken.test')).status).toBe(401);
  });
});
