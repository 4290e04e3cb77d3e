// GRPCRoute end to end through real Envoy: service/method/header matching and precedence, header filters, weights,
// invalid backend shares (UNAVAILABLE), h2c backends.
import * as grpc from '@grpc/grpc-js';
import { grpcEcho, startGrpcEcho, type GrpcEchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, grpcService, httpListener } from './support/fixtures';
import { JsonGrpcClient, startJsonGrpc, type JsonGrpcServer } from './support/grpc-json';
import { freePort, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

const PATHS = [
  '/helloworld.Greeter/SayHello',
  '/helloworld.Greeter/SayBye',
  '/grpc.health.v1.Health/Check',
  '/other.Svc/Check',
  '/other.Svc/Unrouted',
  '/weighted.Svc/Call',
  '/half.Svc/Call',
];

let a: JsonGrpcServer, b: JsonGrpcServer, echo: GrpcEchoServer;
let tg: StandaloneHarness;
let port: number;
let client: JsonGrpcClient;

const routes = `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: greeter, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [grpc.test]
  rules:
    - matches: [{ method: { service: helloworld.Greeter, method: SayHello } }]
      filters:
        - { type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: x-route, value: say-hello }], remove: [x-drop-me] } }
        - { type: ResponseHeaderModifier, responseHeaderModifier: { add: [{ name: x-served-by, value: tidegate }] } }
      backendRefs: [{ name: grpc-a, port: 50051 }]
    - matches: [{ method: { service: helloworld.Greeter }, headers: [{ name: x-tenant, value: blue }] }]
      backendRefs: [{ name: grpc-b, port: 50051 }]
    - matches: [{ method: { service: helloworld.Greeter } }]
      backendRefs: [{ name: grpc-a, port: 50051 }]
    - matches: [{ method: { type: RegularExpression, service: "grpc\\\\.health\\\\.v1\\\\..+", method: "Check|Watch" } }]
      backendRefs: [{ name: grpc-a, port: 50051 }]
    - matches: [{ method: { method: Check } }]
      backendRefs: [{ name: grpc-b, port: 50051 }]
    - matches: [{ method: { service: weighted.Svc } }]
      backendRefs: [{ name: grpc-a, port: 50051, weight: 3 }, { name: grpc-b, port: 50051, weight: 1 }]
    - matches: [{ method: { service: zero.Svc } }]
      backendRefs: [{ name: grpc-a, port: 50051, weight: 0 }, { name: grpc-b, port: 50051, weight: 0 }]
    - matches: [{ method: { service: ghost.Svc } }]
      backendRefs: [{ name: no-such-service, port: 50051 }]
    - matches: [{ method: { service: half.Svc } }]
      backendRefs: [{ name: grpc-a, port: 50051 }, { name: no-such-service, port: 50051 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: echo, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ method: { service: tidegate.testing.v1.Echo } }]
      backendRefs: [{ name: grpc-echo, port: 50051 }]
`;

beforeAll(async () => {
  [a, b, echo] = await Promise.all([startJsonGrpc('a', PATHS), startJsonGrpc('b', PATHS), startGrpcEcho('echo')]);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('h2c', port))),
    // grpc-a and grpc-b declare no appProtocol: GRPCRoute makes them HTTP/2; grpc-echo says h2c itself.
    'services.yaml': docs(grpcService('grpc-a', a.port), grpcService('grpc-b', b.port), grpcService('grpc-echo', echo.port, 'kubernetes.io/h2c')),
    'routes.yaml': routes,
  });
  // The deliberate mistakes: backendRefs to a Service that does not exist.
  expect(tg.errors()).toEqual([
    expect.objectContaining({ code: 'backend-not-found', path: 'spec.rules[7].backendRefs[0]' }),
    expect.objectContaining({ code: 'backend-not-found', path: 'spec.rules[8].backendRefs[1]' }),
  ]);
  client = new JsonGrpcClient(`127.0.0.1:${port}`, 'grpc.test');
  await waitFor(async () => (await client.call('/helloworld.Greeter/SayHello', {}, 2000)).reply.backend === 'a', 20_000, 'Envoy to route gRPC');
});

afterAll(async () => {
  client?.close();
  await tg?.close();
  await Promise.all([a, b, echo].map((s) => s?.close()));
});

const backendOf = async (path: string, metadata: Record<string, string> = {}) => (await client.call(path, metadata)).reply.backend;

describe('matching', () => {
  it('exact service and method beats the service-wide rule', async () => {
    expect(await backendOf('/helloworld.Greeter/SayHello')).toBe('a');
    expect(await backendOf('/helloworld.Greeter/SayBye')).toBe('a');
  });

  it('a header match wins over the same service match without one', async () => {
    expect(await backendOf('/helloworld.Greeter/SayBye', { 'x-tenant': 'blue' })).toBe('b');
    expect(await backendOf('/helloworld.Greeter/SayBye', { 'x-tenant': 'red' })).toBe('a');
  });

  it('a method-only match takes that method on any service; a service regex ranks above it', async () => {
    expect(await backendOf('/other.Svc/Check')).toBe('b');
    expect(await backendOf('/grpc.health.v1.Health/Check')).toBe('a');
  });

  it('a call no rule matches is UNIMPLEMENTED', async () => {
    await expect(client.call('/other.Svc/Unrouted')).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it('a route without hostnames serves any authority; the testkit Echo service reaches its h2c backend', async () => {
    const reply = await grpcEcho(`127.0.0.1:${port}`, 'ping');
    expect(reply).toMatchObject({ message: 'ping', backend: 'echo' });
  });
});

describe('no usable backend', () => {
  it('all weights 0, or no valid backendRef: UNAVAILABLE, as the spec asks', async () => {
    await expect(client.call('/zero.Svc/Call')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(client.call('/ghost.Svc/Call')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});

describe('a partly invalid backend set', () => {
  it('answers the invalid share with UNAVAILABLE (not UNKNOWN) and forwards the rest: weights 1:1 → about half of 200', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        client.call('/half.Svc/Call').then(
          (r) => r.reply.backend as string,
          (err: { code?: number }) => `code-${err.code}`,
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['a', `code-${grpc.status.UNAVAILABLE}`]);
    expect(counts[`code-${grpc.status.UNAVAILABLE}`]).toBeGreaterThan(60);
    expect(counts[`code-${grpc.status.UNAVAILABLE}`]).toBeLessThan(140);
  });
});

describe('filters', () => {
  it('modifies request metadata and response headers', async () => {
    const r = await client.call('/helloworld.Greeter/SayHello', { 'x-drop-me': '1', 'x-keep': '2' });
    expect(r.reply.metadata['x-route']).toBe('say-hello');
    expect(r.reply.metadata['x-keep']).toBe('2');
    expect(r.reply.metadata['x-drop-me']).toBeUndefined();
    expect(r.headers['x-served-by']).toBe('tidegate');
  });
});

describe('weights', () => {
  it('splits 3:1 within 5 points over 1,000 calls', async () => {
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 10; batch++) {
      const replies = await Promise.all(Array.from({ length: 100 }, () => backendOf('/weighted.Svc/Call')));
      for (const r of replies) counts[r] = (counts[r] ?? 0) + 1;
    }
    expect((counts.a ?? 0) + (counts.b ?? 0)).toBe(1000);
    expect(Math.abs((counts.a ?? 0) / 1000 - 0.75)).toBeLessThan(0.05);
  });
});
