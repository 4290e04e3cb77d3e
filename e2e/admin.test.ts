// The control plane's admin endpoints, against a running standalone Tidegate with real Envoy.
import { createTestCa, startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, service } from './support/fixtures';
import { tlsSecret } from './support/secrets';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let echo: EchoServer;
let tg: StandaloneHarness;
let admin: number;

beforeAll(async () => {
  const ca = createTestCa();
  echo = await startEcho({ name: 'echo' });
  const port = await freePort();
  tg = await startStandalone({
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
  });
  expect(tg.errors()).toEqual([]);
  admin = tg.plane.adminPort;
  await waitFor(async () => {
    const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ type: string; versionAcked?: string }>;
    return ['CDS', 'LDS', 'SDS'].every((t) => syncz.some((s) => s.type === t && s.versionAcked));
  }, 20_000, 'Envoy to ACK clusters, listeners and secrets');
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
    'tidegate_xds_connected_proxies 1',
    'tidegate_xds_acks_total',
    'tidegate_xds_nacks_total',
    'tidegate_translation_duration_seconds_count',
  ]) {
    expect(text).toContain(name);
  }
});

it('shows per proxy and type the version sent and acked', async () => {
  const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ nodeId: string; group: string; type: string; versionSent: string; versionAcked: string }>;
  const lds = syncz.find((s) => s.type === 'LDS')!;
  expect(lds.group).toBe('default/gw');
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
