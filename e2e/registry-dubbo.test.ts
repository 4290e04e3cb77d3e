// Dubbo 3 Triple over Nacos: gRPC servers registered as Dubbo providers are called through Envoy by a gRPC client.
import { descriptorSetConfigMap, grpcEcho, startGrpcEcho, type GrpcEchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { hostnameRoute, mcpBridge, startRnacos, type RnacosServer } from './support/registry';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(90_000);

/** Dubbo's interface-level registration name: providers:<interface>:<version>:<group>. */
const SERVICE = 'providers:tidegate.testing.v1.Echo:1.0.0:';
const HOST = `${SERVICE}.DEFAULT-GROUP.public.nacos`;

let nacos: RnacosServer;
let tg: StandaloneHarness;
let port: number;
let grpcPort: number;
const servers: GrpcEchoServer[] = [];

beforeAll(async () => {
  nacos = await startRnacos();
  for (const name of ['triple-1', 'triple-2']) servers.push(await startGrpcEcho(name));
  const client = nacos.client();
  for (const s of servers) {
    // Persistent, as the test sends no heartbeats; metadata as a Dubbo 3 provider announces itself.
    await client.registerInstance({
      service: SERVICE,
      ip: '127.0.0.1',
      port: s.port,
      ephemeral: false,
      weight: 2,
      metadata: { protocol: 'tri', side: 'provider', interface: 'tidegate.testing.v1.Echo', version: '1.0.0', methods: 'Echo' },
    });
  }
  // Consumers register too (port 0 is not routable): Tidegate must skip them.
  await client.registerInstance({ service: 'consumers:tidegate.testing.v1.Echo:1.0.0:', ip: '127.0.0.1', port: 1, ephemeral: false, metadata: { side: 'consumer' } });
  port = await freePort();
  grpcPort = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port) + httpListener('grpc', grpcPort))),
    'grpc-route.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: echo-grpc, namespace: default }
spec:
  parentRefs: [{ name: gw, sectionName: grpc }]
  rules:
    - matches: [{ method: { service: tidegate.testing.v1.Echo, method: Echo } }]
      backendRefs: [{ group: networking.istio.io, kind: Hostname, name: "${HOST}" }]
`,
    'bridge.yaml': mcpBridge(nacos, { type: 'nacos2', refreshMs: 500 }),
    'route.yaml': hostnameRoute('echo', 'gw', HOST, { path: '/tidegate.testing.v1.Echo/', sectionName: 'http' }),
  });
});

afterAll(async () => {
  await tg?.close();
  await nacos?.close();
  for (const s of servers) await s.close();
});

it('calls Triple providers through Envoy by service and method, balanced over both', async () => {
  const seen = new Set<string>();
  await waitFor(async () => {
    const reply = await grpcEcho(`127.0.0.1:${port}`, 'hello dubbo', {}, 3000);
    expect(reply.message).toBe('hello dubbo');
    seen.add(reply.backend);
    return seen.size === 2;
  }, 30_000, 'answers from both Triple providers');
  expect([...seen].sort()).toEqual(['triple-1', 'triple-2']);
  expect(tg.errors()).toEqual([]);
  // The backend speaks HTTP/2 because the instances announce protocol=tri; consumers are not hosts.
  const backend = tg.plane.currentIr()[0]?.backends.find((b) => b.name === HOST);
  expect(backend?.protocol).toBe('grpc');
  expect(tg.plane.currentIr()[0]?.backends.some((b) => b.name.startsWith('consumers:'))).toBe(false);
});

it('routes a GRPCRoute (service and method match) to the Triple providers', async () => {
  const reply = await waitFor(() => grpcEcho(`127.0.0.1:${grpcPort}`, 'via GRPCRoute', {}, 3000).catch(() => undefined), 20_000, 'a GRPCRoute answer');
  expect(reply.message).toBe('via GRPCRoute');
  expect(['triple-1', 'triple-2']).toContain(reply.backend);
});

it('calls the Triple providers over HTTP/JSON through the gRPC-JSON transcoder', async () => {
  // An HTTPRoute (own hostname, so the gRPC route above is untouched) whose HTTPRouteFilter names the
  // Echo descriptor set; the backend is the same Nacos-registered Dubbo service.
  await tg.write(
    'json-route.yaml',
    docs(
      JSON.stringify(descriptorSetConfigMap({ name: 'echo-protos' })),
      `
apiVersion: tidegate.io/v1alpha1
kind: HTTPRouteFilter
metadata: { name: echo-json, namespace: default }
spec:
  grpcJsonTranscoder:
    descriptorSet: { configMapRef: { name: echo-protos, key: descriptor.pb } }
    services: [tidegate.testing.v1.Echo]
`,
      `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: echo-json, namespace: default }
spec:
  parentRefs: [{ name: gw, sectionName: http }]
  hostnames: [json.dubbo.test]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /tidegate.testing.v1.Echo } }]
      filters: [{ type: ExtensionRef, extensionRef: { group: tidegate.io, kind: HTTPRouteFilter, name: echo-json } }]
      backendRefs: [{ group: networking.istio.io, kind: Hostname, name: "${HOST}" }]
`,
    ),
  );
  expect(tg.errors()).toEqual([]);
  const post = (message: string) =>
    httpRequest(port, '/tidegate.testing.v1.Echo/Echo', {
      method: 'POST',
      host: 'json.dubbo.test',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
      timeoutMs: 3000,
    });
  const seen = new Set<string>();
  await waitFor(async () => {
    const r = await post('hello json dubbo');
    if (r.status !== 200) return false;
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.message).toBe('hello json dubbo');
    seen.add(r.json.backend);
    return seen.size === 2;
  }, 30_000, 'JSON answers from both Triple providers');
  expect([...seen].sort()).toEqual(['triple-1', 'triple-2']);
});
