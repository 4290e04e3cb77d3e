// The control plane's admin endpoints, against a running standalone Tidegate with real Envoy; no answer carries a secret.
import { createTestCa, startEcho, type EchoServer, type Pem } from '@tidegate/testkit';
import { ADMIN_ROUTES } from '../packages/tidegate/src/admin/admin-server';
import { GATEWAY_CLASS, docs, gateway, service } from './support/fixtures';
import { caSecret, tlsSecret } from './support/secrets';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress, nginx } from './support/ingress';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let echo: EchoServer;
let tg: StandaloneHarness;
let admin: number;
let gatewayCert: Pem;
let ingressCert: Pem;

/** htpasswd hashes for basic auth: `{SHA}` (served) and Apache MD5 (reported as unusable). */
const SHA_HASH = '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=';
const APR1_HASH = '$apr1$abc$0123456789abcdefghijkl';
const DB_PASSWORD = 'hunter2-correct-horse-battery';

beforeAll(async () => {
  const ca = createTestCa();
  gatewayCert = ca.issue(['admin.test']);
  ingressCert = ca.issue(['ingress.admin.test']);
  echo = await startEcho({ name: 'echo' });
  const port = await freePort();
  tg = await startStandalone({
    'ingress.yaml': docs(
      tlsSecret('ingress-cert', ingressCert),
      caSecret('client-ca', ca.cert),
      `
apiVersion: v1
kind: Secret
metadata: { name: htpasswd, namespace: default }
stringData:
  auth: |
    alice:${SHA_HASH}
    bob:${APR1_HASH}
`,
      `
apiVersion: v1
kind: Secret
metadata: { name: db, namespace: default }
stringData: { password: ${DB_PASSWORD} }
`,
      ingress({ name: 'basic', host: 'basic.admin.test', service: 'svc', annotations: { [nginx('auth-type')]: 'basic', [nginx('auth-secret')]: 'htpasswd' } }),
      ingress({
        name: 'mtls',
        host: 'ingress.admin.test',
        service: 'svc',
        tls: { hosts: ['ingress.admin.test'], secretName: 'ingress-cert' },
        annotations: { [nginx('auth-tls-secret')]: 'default/client-ca' },
      }),
    ),
    'gateway.yaml': docs(
      GATEWAY_CLASS,
      gateway('gw', `    - name: https
      protocol: HTTPS
      port: ${port}
      tls: { certificateRefs: [{ name: cert }] }
`),
      tlsSecret('cert', ca.issue(['admin.test'])),
      service('svc', [echo.port]),
      `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ backendRefs: [{ name: svc, port: 80 }] }]
`,
    ),
  }, { ingress: { ingressClass: 'tidegate', httpPort: await freePort(), httpsPort: await freePort() } });
  expect(tg.errors()).toEqual([]);
  admin = tg.plane.adminPort;
  await waitFor(async () => {
    const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ group: string; type: string; versionAcked?: string }>;
    const group = (g: string) => ['CDS', 'LDS', 'SDS'].every((t) => syncz.some((s) => s.group === g && s.type === t && s.versionAcked));
    return group('default/gw') && group('tidegate/ingress');
  }, 20_000, 'Envoy to ACK clusters, listeners and secrets');
  // Ready once both Envoys (the Gateway's and the Ingress gateway's) are LIVE.
  await waitFor(async () => (await httpRequest(admin, '/readyz')).status === 200, 20_000, 'readiness');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
});

it('answers health and readiness', async () => {
  expect((await httpRequest(admin, '/healthz')).status).toBe(200);
  expect((await httpRequest(admin, '/readyz')).status).toBe(200);
});

it('exposes Prometheus metrics for pushes, push latency, ACKs, proxies and translation', async () => {
  // Push latency is measured from a snapshot change to the response write, so make a change.
  await tg.write('extra.yaml', `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: extra, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: /extra } }], backendRefs: [{ name: svc, port: 80 }] }]
`);
  const text = await waitFor(async () => {
    const body = (await httpRequest(admin, '/metrics')).body;
    return /tidegate_xds_push_duration_seconds_count\{type="RDS"\} [1-9]/.test(body) ? body : undefined;
  }, 10_000, 'a measured RDS push');
  for (const name of [
    'tidegate_xds_pushes_total',
    'tidegate_xds_push_duration_seconds_bucket',
    'tidegate_xds_connected_proxies 2', // the Gateway's Envoy and the Ingress gateway's
    'tidegate_xds_acks_total',
    'tidegate_xds_nacks_total',
    'tidegate_translation_duration_seconds_count',
  ]) {
    expect(text).toContain(name);
  }
});

it('shows per proxy and type the version sent and acked', async () => {
  const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ nodeId: string; group: string; type: string; versionSent: string; versionAcked: string }>;
  const lds = syncz.find((s) => s.type === 'LDS' && s.group === 'default/gw')!;
  expect(lds.nodeId).toBeTruthy();
  expect(lds.versionAcked).toBe(lds.versionSent);
});

it('dumps what a proxy was sent, with private keys redacted', async () => {
  const dump = await httpRequest(admin, '/debug/config_dump?node=default/gw');
  expect(dump.status).toBe(200);
  expect(dump.body).toContain('BEGIN CERTIFICATE');
  expect(dump.body).not.toContain('PRIVATE KEY');
  expect(dump.body).toContain('[redacted]');
  expect((await httpRequest(admin, '/debug/config_dump?node=nobody')).status).toBe(404);
});

/** Every piece of secret material in the configuration, as it could show up: PEM lines, base64 of the PEM, hashes, passwords. */
function secretMaterial(): string[] {
  const out = [SHA_HASH.slice('{SHA}'.length), APR1_HASH, DB_PASSWORD, Buffer.from(DB_PASSWORD).toString('base64')];
  for (const key of [gatewayCert.key, ingressCert.key]) {
    out.push(...key.trim().split('\n').filter((l) => !l.startsWith('-----')));
    out.push(Buffer.from(key).toString('base64').slice(40, 120));
  }
  out.push('PRIVATE KEY', Buffer.from('-----BEGIN PRIVATE KEY').toString('base64').slice(0, 24));
  return out;
}

it('answers no endpoint with a secret, whatever its query (every route the admin server has)', async () => {
  // The admin server serves exactly its route table, so a new endpoint is in this test.
  expect((await httpRequest(admin, '/no-such')).body).toBe(`no such endpoint; try ${ADMIN_ROUTES.map((r) => r.path).join(' ')}\n`);
  const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ nodeId: string; group: string }>;
  const ingresses = ((await httpRequest(admin, '/debug/ingress')).json as { findings: Array<{ ingress: { namespace: string; name: string } }> }).findings;
  const values: Record<string, string[]> = {
    node: [...new Set(syncz.flatMap((s) => [s.nodeId, s.group]))],
    ingress: [...new Set(ingresses.map((f) => `${f.ingress.namespace}/${f.ingress.name}`))],
  };
  expect(values.node).toEqual(expect.arrayContaining(['default/gw', 'tidegate/ingress']));
  expect(values.ingress).toEqual(expect.arrayContaining(['default/basic', 'default/mtls']));
  const secrets = secretMaterial();
  let fetched = 0;
  for (const route of ADMIN_ROUTES) {
    const queries = [''];
    for (const param of route.query) {
      if (!values[param]) throw new Error(`${route.path} reads ?${param}: give this test its values`);
      queries.push(...values[param].map((v) => `?${param}=${encodeURIComponent(v)}`));
    }
    for (const q of queries) {
      const { status, body } = await httpRequest(admin, route.path + q);
      expect({ path: route.path + q, status }).toEqual({ path: route.path + q, status: expect.any(Number) });
      for (const secret of secrets) expect({ path: route.path + q, leaks: body.includes(secret) ? secret : undefined }).toEqual({ path: route.path + q, leaks: undefined });
      fetched++;
    }
  }
  expect(fetched).toBeGreaterThanOrEqual(ADMIN_ROUTES.length + 4);
  // The secrets were there to leak: the IR and the dumps hold them, redacted.
  const ir = (await httpRequest(admin, '/debug/ir')).body;
  expect(ir).toContain('"privateKey": "[redacted]"');
  expect(ir).toContain('"htpasswd": "[redacted]"');
  expect(ir).toContain('BEGIN CERTIFICATE'); // certificates and CAs are not secret
  const ingressDump = (await httpRequest(admin, '/debug/config_dump?node=tidegate/ingress')).body;
  expect(ingressDump).toContain('alice:[redacted]');
  expect(ingressDump).toContain('"private_key": "[redacted]"');
});
