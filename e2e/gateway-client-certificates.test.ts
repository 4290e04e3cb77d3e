// Gateway spec.tls.frontend end to end: AllowValidOnly refuses clients without a valid certificate, AllowInsecureFallback lets them through.
import * as https from 'node:https';
import { createTestCa, startEcho, type EchoServer, type Pem, type TestCa } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, service } from './support/fixtures';
import { caSecret, tlsSecret } from './support/secrets';
import { freePort, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let serverCa: TestCa, clientCa: TestCa, strangerCa: TestCa;
let trustedClient: Pem, strangerClient: Pem;
let echo: EchoServer;
let tg: StandaloneHarness;
let strictPort: number, lenientPort: number;

/** A Gateway whose default frontend validation requires valid client certificates; the lenient port falls back. */
const gatewayYaml = (strict: number, lenient: number) => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec:
  gatewayClassName: tidegate
  tls:
    frontend:
      default: { validation: { caCertificateRefs: [{ group: "", kind: Secret, name: client-ca }] } }
      perPort:
        - port: ${lenient}
          tls: { validation: { mode: AllowInsecureFallback, caCertificateRefs: [{ group: "", kind: Secret, name: client-ca }] } }
  listeners:
    - { name: strict, protocol: HTTPS, port: ${strict}, tls: { certificateRefs: [{ name: server-cert }] } }
    - { name: lenient, protocol: HTTPS, port: ${lenient}, tls: { certificateRefs: [{ name: server-cert }] } }
`;

beforeAll(async () => {
  serverCa = createTestCa('Server CA');
  clientCa = createTestCa('Client CA');
  strangerCa = createTestCa('Stranger CA');
  trustedClient = clientCa.issue(['client.test']);
  strangerClient = strangerCa.issue(['client.test']);
  echo = await startEcho({ name: 'echo' });
  strictPort = await freePort();
  lenientPort = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gatewayYaml(strictPort, lenientPort)),
    'secrets.yaml': docs(tlsSecret('server-cert', serverCa.issue(['app.test'])), caSecret('client-ca', clientCa.cert)),
    'services.yaml': service('svc', [echo.port]),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: app, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ backendRefs: [{ name: svc, port: 80 }] }]
`,
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await get(strictPort, trustedClient)) === 200 && (await get(lenientPort)) === 200, 20_000, 'Envoy to serve both ports');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
});

/** The HTTP status, or `refused` when the TLS handshake (or the first read after it, in TLS 1.3) fails. */
function get(port: number, client?: Pem): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/', servername: 'app.test', headers: { host: 'app.test' }, ca: serverCa.cert, cert: client?.cert, key: client?.key, agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve('refused'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve('refused'));
    req.end();
  });
}

it('AllowValidOnly (the default): only a client certificate signed by the CA gets through', async () => {
  expect(await get(strictPort, trustedClient)).toBe(200);
  expect(await get(strictPort)).toBe('refused');
  expect(await get(strictPort, strangerClient)).toBe('refused');
});

it('AllowInsecureFallback: clients without a certificate or with an untrusted one get through too', async () => {
  expect(await get(lenientPort, trustedClient)).toBe(200);
  expect(await get(lenientPort)).toBe(200);
  expect(await get(lenientPort, strangerClient)).toBe(200);
});

it('reports InsecureFrontendValidationMode on the Gateway, and both listeners as accepted', () => {
  const statuses = tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: { conditions: unknown[]; listeners: Array<{ name: string; conditions: unknown[] }> } }>;
  const gw = statuses.find((s) => s.kind === 'Gateway' && s.name === 'gw')?.status;
  expect(gw?.conditions).toContainEqual(expect.objectContaining({ type: 'InsecureFrontendValidationMode', status: 'True', reason: 'ConfigurationChanged' }));
  for (const l of gw?.listeners ?? []) expect(l.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'True' }));
  expect(gw?.listeners).toHaveLength(2);
});
