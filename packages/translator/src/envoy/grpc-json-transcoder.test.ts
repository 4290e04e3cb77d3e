// gRPC-JSON transcoding through a real Envoy (static bootstrap): JSON and gRPC clients on one route, options, untouched routes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvoyProcess } from '@tidegate/envoy-runner';
import type { GrpcJsonTranscoder, ProxyGroup, Route } from '@tidegate/ir';
import { ECHO_PROTO, type EchoServer, type GrpcEchoServer, descriptorSetFromProto, grpcEcho, startEcho, startGrpcEcho } from '@tidegate/testkit';
import { probe } from './test-support/http-probe';
import { freePort, startStaticEnvoy } from './test-support/static-envoy';

const forward = (backend: string) => ({ kind: 'forward' as const, backends: [{ backend, weight: 1 }] });
const json = (body: unknown, host = 'api.test') => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', host } });

let envoy: EnvoyProcess;
let grpcBackend: GrpcEchoServer;
let web: EchoServer;
let port: number;
let dir: string;

beforeAll(async () => {
  [grpcBackend, web, port] = await Promise.all([startGrpcEcho('grpc-echo'), startEcho({ name: 'web' }), freePort()]);
  // echo.proto plus a method the backend does not implement, to see gRPC errors come back.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-transcoder-'));
  const proto = path.join(dir, 'echo.proto');
  fs.writeFileSync(proto, fs.readFileSync(ECHO_PROTO, 'utf8').replace('rpc Echo(EchoRequest) returns (EchoReply);', '$&\n  rpc Missing(EchoRequest) returns (EchoReply);'));
  const transcoder: GrpcJsonTranscoder = { descriptorSet: descriptorSetFromProto(proto).toString('base64'), services: ['tidegate.testing.v1.Echo'] };
  const echoRoute = (name: string, t: GrpcJsonTranscoder): Route => ({
    name,
    match: { path: { type: 'string-prefix', value: '/tidegate.testing.v1.Echo/' } },
    grpcJsonTranscoder: t,
    action: forward('grpc'),
  });
  const group: ProxyGroup = {
    name: 'default/transcoder',
    httpListeners: [
      {
        name: 'http',
        address: '127.0.0.1',
        port,
        virtualHosts: [
          {
            name: 'api',
            domains: ['*'],
            routes: [echoRoute('echo', transcoder), { name: 'plain', match: { path: { type: 'prefix', value: '/' } }, action: forward('web') }],
          },
          {
            name: 'pretty',
            domains: ['pretty.test'],
            routes: [
              echoRoute('echo-pretty', {
                ...transcoder,
                convertGrpcStatus: true,
                printOptions: { addWhitespace: true, alwaysPrintPrimitiveFields: true, preserveProtoFieldNames: true },
              }),
            ],
          },
          { name: 'manual', domains: ['manual.test'], routes: [echoRoute('echo-manual', { ...transcoder, autoMapping: false })] },
        ],
      },
    ],
    tcpListeners: [],
    grpcApiListeners: [],
    backends: [
      { name: 'grpc', protocol: 'grpc', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: grpcBackend.port }] } },
      { name: 'web', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: web.port }] } },
    ],
    secrets: [],
  };
  envoy = await startStaticEnvoy(group);
}, 30_000);

afterAll(async () => {
  await envoy?.stop();
  await Promise.all([grpcBackend?.close(), web?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('answers a JSON POST to /<service>/<method> with the gRPC reply as JSON', async () => {
  const r = await probe(port, '/tidegate.testing.v1.Echo/Echo', json({ message: 'hello json' }));
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json).toMatchObject({ message: 'hello json', backend: 'grpc-echo' });
  // The backend saw a gRPC call, marked by the transcoder with the path the client asked for.
  expect(r.json.metadata['x-envoy-original-path']).toBe('/tidegate.testing.v1.Echo/Echo');
});

it('still serves gRPC clients on the same route', async () => {
  const reply = await grpcEcho(`127.0.0.1:${port}`, 'hello grpc');
  expect(reply).toMatchObject({ message: 'hello grpc', backend: 'grpc-echo' });
});

it('leaves routes without a transcoder alone', async () => {
  const r = await probe(port, '/plain/x', json({ message: 'untouched' }));
  expect([r.status, r.json?.backend, r.json?.path, r.json?.headers['content-type'], r.json?.bodyBytes]).toEqual([200, 'web', '/plain/x', 'application/json', 23]);
});

it('maps gRPC errors to HTTP statuses; convertGrpcStatus adds a google.rpc.Status body', async () => {
  // The backend does not implement Missing: UNIMPLEMENTED (12), which is HTTP 501.
  const plain = await probe(port, '/tidegate.testing.v1.Echo/Missing', json({}));
  expect(plain.status).toBe(501);
  expect(plain.json?.code).toBeUndefined();
  const converted = await probe(port, '/tidegate.testing.v1.Echo/Missing', json({}, 'pretty.test'));
  expect(converted.status).toBe(501);
  expect(converted.json).toMatchObject({ code: 12 });
});

it('prints replies with the print options', async () => {
  const plain = await probe(port, '/tidegate.testing.v1.Echo/Echo', json({ message: 'm' }));
  expect(plain.body).not.toContain('\n');
  const pretty = await probe(port, '/tidegate.testing.v1.Echo/Echo', json({ message: 'm' }, 'pretty.test'));
  expect(pretty.body).toContain('\n "message": "m"');
  expect(pretty.json).toMatchObject({ message: 'm', backend: 'grpc-echo' });
});

it('without autoMapping a method with no google.api.http rule is not transcoded', async () => {
  // Passed through as a plain HTTP/1.1 JSON request, which a gRPC server does not answer with JSON.
  const r = await probe(port, '/tidegate.testing.v1.Echo/Echo', json({ message: 'x' }, 'manual.test'));
  expect(r.json?.message).toBeUndefined();
  expect(r.headers['content-type']).not.toBe('application/json');
});
