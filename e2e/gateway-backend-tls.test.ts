// BackendTLSPolicy end to end: Envoy originates TLS to the backend, verifying it against the policy's CA and hostname.
import { createTestCa, startEcho, type EchoServer, type TestCa } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let trusted: TestCa, stranger: TestCa;
let backend: EchoServer;
/** A backend whose certificate carries a SPIFFE URI SAN as well as a DNS name. */
let spiffeBackend: EchoServer;
let tg: StandaloneHarness;
let port: number;

const SPIFFE_ID = 'spiffe://tidegate.test/ns/default/sa/app';
const TRUSTED = '{ group: "", kind: ConfigMap, name: trusted-ca }';

const indent = (pem: string) => pem.trim().split('\n').map((l) => `    ${l}`).join('\n');

const caConfigMap = (name: string, pem: string) => `
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}, namespace: default }
data:
  ca.crt: |
${indent(pem)}
`;

const policy = (name: string, target: string, validation: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: { name: ${name}, namespace: default }
spec:
  targetRefs: [{ group: "", kind: Service, name: ${target} }]
  validation: ${validation}
`;

/** One route per Service; every Service points at the same TLS backend. */
const route = (path: string, svc: string) => `
    - matches: [{ path: { type: PathPrefix, value: ${path} } }]
      backendRefs: [{ name: ${svc}, port: 80 }]`;

beforeAll(async () => {
  trusted = createTestCa('Trusted CA');
  stranger = createTestCa('Stranger CA');
  backend = await startEcho({ name: 'tls-backend', protocol: 'tls', tls: trusted.issue(['app.internal']) });
  spiffeBackend = await startEcho({ name: 'spiffe-backend', protocol: 'tls', tls: trusted.issueWithSans({ dns: ['spiffe.internal'], uri: [SPIFFE_ID] }) });
  port = await freePort();
  const services = ['good', 'secret-ca', 'wrong-ca', 'wrong-name', 'no-ca', 'plain'].map((s) => service(s, [backend.port]));
  services.push(...['uri-good', 'uri-wrong', 'uri-or-dns'].map((s) => service(s, [spiffeBackend.port])));
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(...services),
    'cas.yaml': docs(
      caConfigMap('trusted-ca', trusted.cert),
      caConfigMap('stranger-ca', stranger.cert),
      `
apiVersion: v1
kind: Secret
metadata: { name: trusted-ca-secret, namespace: default }
stringData:
  ca.crt: |
${indent(trusted.cert)}
`,
    ),
    'policies.yaml': docs(
      policy('good', 'good', '{ caCertificateRefs: [{ group: "", kind: ConfigMap, name: trusted-ca }], hostname: app.internal }'),
      policy('secret-ca', 'secret-ca', '{ caCertificateRefs: [{ group: "", kind: Secret, name: trusted-ca-secret }], hostname: app.internal }'),
      policy('wrong-ca', 'wrong-ca', '{ caCertificateRefs: [{ group: "", kind: ConfigMap, name: stranger-ca }], hostname: app.internal }'),
      policy('wrong-name', 'wrong-name', '{ caCertificateRefs: [{ group: "", kind: ConfigMap, name: trusted-ca }], hostname: other.internal }'),
      policy('no-ca', 'no-ca', '{ caCertificateRefs: [{ group: "", kind: ConfigMap, name: not-there }], hostname: app.internal }'),
      // subjectAltNames replace the hostname as the names checked: it is only the SNI then.
      policy('uri-good', 'uri-good', `{ caCertificateRefs: [${TRUSTED}], hostname: other.internal, subjectAltNames: [{ type: URI, uri: "${SPIFFE_ID}" }] }`),
      policy('uri-wrong', 'uri-wrong', `{ caCertificateRefs: [${TRUSTED}], hostname: spiffe.internal, subjectAltNames: [{ type: URI, uri: "spiffe://tidegate.test/ns/default/sa/other" }] }`),
      policy(
        'uri-or-dns',
        'uri-or-dns',
        `{ caCertificateRefs: [${TRUSTED}], hostname: spiffe.internal, subjectAltNames: [{ type: URI, uri: "spiffe://tidegate.test/ns/default/sa/other" }, { type: Hostname, hostname: spiffe.internal }] }`,
      ),
    ),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: tls, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:${route('/good', 'good')}${route('/secret-ca', 'secret-ca')}${route('/wrong-ca', 'wrong-ca')}${route('/wrong-name', 'wrong-name')}${route('/no-ca', 'no-ca')}${route('/plain', 'plain')}${route('/uri-good', 'uri-good')}${route('/uri-wrong', 'uri-wrong')}${route('/uri-or-dns', 'uri-or-dns')}
`,
  });
  await waitFor(async () => (await httpRequest(port, '/good')).status === 200, 20_000, 'Envoy to reach the TLS backend');
});

afterAll(async () => {
  await tg?.close();
  await backend?.close();
  await spiffeBackend?.close();
});

it('a backend whose certificate chains to the CA (ConfigMap or Secret) and names the hostname answers', async () => {
  const good = await httpRequest(port, '/good');
  expect(good.status).toBe(200);
  expect(good.json).toMatchObject({ backend: 'tls-backend', path: '/good' });
  expect((await httpRequest(port, '/secret-ca')).status).toBe(200);
});

it('an untrusted CA or a certificate for another name fails the handshake: 503', async () => {
  expect((await httpRequest(port, '/wrong-ca')).status).toBe(503);
  expect((await httpRequest(port, '/wrong-name')).status).toBe(503);
});

it('URI subjectAltNames: the backend is reached when its certificate carries a named URI (or a named hostname), refused (503) otherwise', async () => {
  const good = await httpRequest(port, '/uri-good');
  expect(good.status).toBe(200);
  expect(good.json).toMatchObject({ backend: 'spiffe-backend', path: '/uri-good' });
  expect((await httpRequest(port, '/uri-or-dns')).status).toBe(200);
  // The certificate carries the policy's hostname, but the named URI is what must match.
  expect((await httpRequest(port, '/uri-wrong')).status).toBe(503);
  expect(spiffeBackend.received.filter((r) => r.path === '/uri-wrong')).toEqual([]);
});

it('a policy whose CA cannot be loaded fails closed (500), never falls back to plaintext', async () => {
  expect((await httpRequest(port, '/no-ca')).status).toBe(500);
  expect(backend.received.filter((r) => r.path === '/no-ca')).toEqual([]);
});

it('without a policy the gateway speaks plaintext, which the TLS backend refuses', async () => {
  expect((await httpRequest(port, '/plain')).status).toBeGreaterThanOrEqual(500);
});

it('reports each policy per Gateway (ancestors) with the spec reasons', () => {
  const statuses = tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: { ancestors: Array<{ ancestorRef: unknown; conditions: Array<{ type: string; status: string; reason: string }> }> } }>;
  const of = (name: string) => statuses.find((s) => s.kind === 'BackendTLSPolicy' && s.name === name)?.status.ancestors;
  expect(of('good')).toEqual([
    expect.objectContaining({
      ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
      conditions: [expect.objectContaining({ type: 'Accepted', status: 'True' }), expect.objectContaining({ type: 'ResolvedRefs', status: 'True' })],
    }),
  ]);
  expect(of('no-ca')?.[0]?.conditions).toEqual([
    expect.objectContaining({ type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' }),
    expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' }),
  ]);
});
