// Live changes under load: 50 route changes while traffic flows, with zero failed requests.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startLoad } from './support/load';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(120_000);

let a: EchoServer, b: EchoServer;
let tg: StandaloneHarness;
let port: number;

/** Version n sends /live to a or b (alternating) and stamps the response with x-config-version. */
const routes = (n: number) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: live, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /live } }]
      filters:
        - type: ResponseHeaderModifier
          responseHeaderModifier: { set: [{ name: x-config-version, value: "${n}" }] }
      backendRefs: [{ name: ${n % 2 === 0 ? 'svc-a' : 'svc-b'}, port: 80 }]
    - matches: [{ path: { type: PathPrefix, value: /probe-${n} } }]
      backendRefs: [{ name: svc-a, port: 80 }]
`;

beforeAll(async () => {
  [a, b] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' })]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(service('svc-a', [a.port]), service('svc-b', [b.port])),
    'routes.yaml': routes(0),
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await httpRequest(port, '/live')).status === 200, 20_000, 'Envoy to serve');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([a, b].map((s) => s?.close()));
});

it('applies 50 route changes under load with zero failed requests, each one served', async () => {
  const load = startLoad({ port, path: '/live', concurrency: 4, maxDurationMs: 40_000, maxRequests: 200_000, observeHeader: 'x-config-version' });
  for (let n = 1; n <= 50; n++) {
    await tg.write('routes.yaml', routes(n));
    // The change is served: a route that exists only in version n answers, and /live carries version n.
    await waitFor(async () => (await httpRequest(port, `/probe-${n}`)).status === 200, 5000, `version ${n}`);
    await waitFor(async () => (await httpRequest(port, '/live')).headers['x-config-version'] === String(n), 5000, `/live at version ${n}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const result = await load.stop();
  expect(result.failures).toEqual([]);
  expect(result.ok).toBeGreaterThan(1000);
  expect(result.seen).toContain('50');
  expect(result.seen.length).toBeGreaterThanOrEqual(45); // under load almost every version is seen by traffic
});
