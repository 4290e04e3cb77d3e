// Standalone configuration from Nacos instead of a directory: configs in a real r-nacos → routes served by real Envoy.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@tidegate/common';
import { nacosDataId } from '@tidegate/providers';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { publishConfigAndWait } from '../packages/providers/src/nacos/test-support/rnacos';
import { startRnacos, type RnacosServer } from './support/registry';

jest.setTimeout(90_000);

const GROUP = 'tidegate';
let nacos: RnacosServer;
let plane: ControlPlane;
let echo: EchoServer;
let port: number;

/** Publishes each object of a YAML stream as its own config, under the documented data id. */
async function publish(yaml: string): Promise<void> {
  const client = nacos.client();
  for (const doc of parseAllDocuments(yaml)) {
    const object = doc.toJS() as KubeObject | null;
    if (object) await publishConfigAndWait(client, GROUP, nacosDataId(object), doc.toString());
  }
}

const route = (path: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: ${path} } }], backendRefs: [{ name: app, port: 80 }] }]
`;

beforeAll(async () => {
  nacos = await startRnacos();
  echo = await startEcho({ name: 'from-nacos-config' });
  port = await freePort();
  await publish(docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('app', [echo.port]), route('/v1')));
  plane = new ControlPlane({
    nacosConfig: { address: { host: nacos.host, port: nacos.httpPort }, group: GROUP, pollIntervalMs: 100 },
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'warning', drainSeconds: 0 },
  });
  await plane.start();
});

afterAll(async () => {
  await plane?.stop();
  await nacos?.close();
  await echo?.close();
});

it('serves the routes stored as Nacos configs and follows a config change', async () => {
  const first = await waitFor(async () => {
    const r = await httpRequest(port, '/v1/x');
    return r.status === 200 ? r : undefined;
  }, 20_000, 'the route from Nacos');
  expect(first.json.backend).toBe('from-nacos-config');
  expect(plane.statusReport().errors).toEqual([]);

  await publish(route('/v2'));
  await waitFor(async () => (await httpRequest(port, '/v2/x')).status === 200, 20_000, 'the changed route');
  expect((await httpRequest(port, '/v1/x')).status).toBe(404);
});
