// HTTP/JSON → gRPC through Envoy's gRPC-JSON transcoder: an HTTPRoute whose HTTPRouteFilter names a descriptor ConfigMap serves JSON and gRPC clients.
import { descriptorSetConfigMap, grpcEcho, startGrpcEcho, type GrpcEchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

const ECHO_PATH = '/tidegate.testing.v1.Echo/Echo';

let echo: GrpcEchoServer;
let tg: StandaloneHarness;
let port: number;

/** A Service (no appProtocol: the transcoding rule makes it HTTP/2) whose endpoint is the local gRPC server. */
const grpcService = (backendPort: number) => `
apiVersion: v1
kind: Service
metadata: { name: grpc-echo, namespace: default }
spec:
  ports: [{ name: grpc, port: 50051 }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: grpc-echo-0, namespace: default, labels: { kubernetes.io/service-name: grpc-echo } }
addressType: IPv4
ports: [{ name: grpc, port: ${backendPort} }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]
`;

/** An HTTPRouteFilter transcoding the Echo service with the descriptor set in ConfigMap `configMap`. */
const transcoderFilter = (name: string, configMap: string) => `
apiVersion: tidegate.io/v1alpha1
kind: HTTPRouteFilter
metadata: { name: ${name}, namespace: default }
spec:
  grpcJsonTranscoder:
    descriptorSet: { configMapRef: { name: ${configMap}, key: descriptor.pb } }
    services: [tidegate.testing.v1.Echo]
`;

/** An HTTPRoute sending the Echo service's path (on `hostname`, else any host) to the gRPC Service through `filter`. */
const echoRoute = (name: string, hostname: string | undefined, filter: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw }]${hostname ? `\n  hostnames: [${hostname}]` : ''}
  rules:
    - matches: [{ path: { type: PathPrefix, value: /tidegate.testing.v1.Echo } }]
      filters: [{ type: ExtensionRef, extensionRef: { group: tidegate.io, kind: HTTPRouteFilter, name: ${filter} } }]
      backendRefs: [{ name: grpc-echo, port: 50051 }]
`;

const postJson = (host: string, body: unknown) =>
  httpRequest(port, ECHO_PATH, { method: 'POST', host, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

type RouteStatus = { kind: string; name: string; status: { parents: Array<{ conditions: Array<{ type: string; status: string; reason: string; message: string }> }> } };
const resolvedRefs = (route: string) =>
  (tg.plane.statusReport().statuses as RouteStatus[])
    .find((s) => s.kind === 'HTTPRoute' && s.name === route)
    ?.status.parents[0]?.conditions.find((c) => c.type === 'ResolvedRefs');

beforeAll(async () => {
  echo = await startGrpcEcho('triple-echo');
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': grpcService(echo.port),
    'descriptors.yaml': JSON.stringify(descriptorSetConfigMap({ name: 'echo-protos' })),
    'routes.yaml': docs(transcoderFilter('echo-json', 'echo-protos'), echoRoute('echo', undefined, 'echo-json')),
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await postJson('echo.test', { message: 'ready?' })).status === 200, 30_000, 'Envoy to transcode');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
});

it('answers a JSON POST to /<service>/<method> with the gRPC reply as JSON', async () => {
  const r = await postJson('echo.test', { message: 'hello json' });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json).toMatchObject({ message: 'hello json', backend: 'triple-echo' });
  // What reached the server was a gRPC call over HTTP/2, marked with the path the client asked for.
  expect(r.json.metadata).toMatchObject({ 'x-envoy-original-path': ECHO_PATH });
});

it('still serves gRPC clients on the same route', async () => {
  const reply = await grpcEcho(`127.0.0.1:${port}`, 'hello grpc');
  expect(reply).toMatchObject({ message: 'hello grpc', backend: 'triple-echo' });
});

it('a descriptor set that is no FileDescriptorSet: a status error, that route answers 500, the others keep serving', async () => {
  const garbage = { ...descriptorSetConfigMap({ name: 'bad-protos' }), binaryData: { 'descriptor.pb': Buffer.from('not a descriptor set').toString('base64') } };
  await tg.write('broken.yaml', docs(JSON.stringify(garbage), transcoderFilter('broken-json', 'bad-protos'), echoRoute('broken', 'broken.test', 'broken-json')));
  expect(tg.errors()).toContainEqual(
    expect.objectContaining({
      object: { kind: 'HTTPRouteFilter', namespace: 'default', name: 'broken-json' },
      path: 'spec.grpcJsonTranscoder.descriptorSet',
      code: 'invalid-descriptor-set',
      message: expect.stringContaining('ConfigMap default/bad-protos binaryData "descriptor.pb": not a serialised FileDescriptorSet'),
    }),
  );
  expect(resolvedRefs('broken')).toMatchObject({ status: 'False', reason: 'BackendNotFound', message: expect.stringContaining('HTTPRouteFilter default/broken-json: grpcJsonTranscoder:') });
  await waitFor(async () => (await postJson('broken.test', { message: 'x' })).status === 500, 20_000, 'the broken route to answer 500');
  expect((await postJson('echo.test', { message: 'still here' })).json).toMatchObject({ message: 'still here' });
  expect(await grpcEcho(`127.0.0.1:${port}`, 'still grpc')).toMatchObject({ message: 'still grpc' });

  // Fixed in place (the same ConfigMap now holds a real set): the route serves.
  await tg.write('broken.yaml', docs(JSON.stringify(descriptorSetConfigMap({ name: 'bad-protos' })), transcoderFilter('broken-json', 'bad-protos'), echoRoute('broken', 'broken.test', 'broken-json')));
  expect(tg.errors()).toEqual([]);
  const fixed = await waitFor(async () => {
    const r = await postJson('broken.test', { message: 'fixed' });
    return r.status === 200 && r;
  }, 20_000, 'the fixed route to transcode');
  expect(fixed.json).toMatchObject({ message: 'fixed', backend: 'triple-echo' });
});
