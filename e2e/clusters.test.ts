// Cluster features end to end: load balancing, upstream protocols, upstream TLS, resilience, DNS.
import { createTestCa, grpcEcho, startEcho, startGrpcEcho, type EchoServer, type GrpcEchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { caSecret } from './support/secrets';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(90_000);

let tg: StandaloneHarness;
let port: number;
let rr1: EchoServer, rr2: EchoServer, h2: EchoServer, tlsEcho: EchoServer, flaky: EchoServer, steady: EchoServer, sick: EchoServer, fine: EchoServer, slow: EchoServer;
let grpc: GrpcEchoServer;

const policy = (name: string, service: string, spec: string) => `
apiVersion: tidegate.io/v1alpha1
kind: BackendPolicy
metadata: { name: ${name}, namespace: default }
spec:
  targetRefs: [{ group: "", kind: Service, name: ${service} }]
${spec}`;

const rule = (prefix: string, svc: string, port = 80) => `    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      backendRefs: [{ name: ${svc}, port: ${port} }]
`;

beforeAll(async () => {
  const ca = createTestCa();
  const otherCa = createTestCa('Someone Else');
  [rr1, rr2, flaky, steady, sick, fine, slow] = await Promise.all([
    startEcho({ name: 'rr1' }),
    startEcho({ name: 'rr2' }),
    startEcho({ name: 'flaky' }),
    startEcho({ name: 'steady' }),
    startEcho({ name: 'sick' }),
    startEcho({ name: 'fine' }),
    startEcho({ name: 'slow' }),
  ]);
  h2 = await startEcho({ name: 'h2', protocol: 'h2c' });
  tlsEcho = await startEcho({ name: 'tls', protocol: 'tls', tls: ca.issue(['backend.test']) });
  grpc = await startGrpcEcho('grpc');
  flaky.setStatus(500);
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(
      service('rr', [rr1.port, rr2.port]),
      service('hashed', [rr1.port, rr2.port]),
      service('maglev', [rr1.port, rr2.port]),
      service('least', [rr1.port, rr2.port]),
      service('random', [rr1.port, rr2.port]),
      service('h2', [h2.port]),
      service('grpc', [grpc.port]),
      service('tls-ok', [tlsEcho.port]),
      service('tls-bad', [tlsEcho.port]),
      service('outlier', [flaky.port, steady.port]),
      service('checked', [sick.port, fine.port]),
      service('breaker', [slow.port]),
      `
apiVersion: v1
kind: Service
metadata: { name: dns, namespace: default }
spec:
  type: ExternalName
  externalName: localhost
  ports: [{ name: http, port: ${rr1.port} }]
`,
      caSecret('backend-ca', ca.cert),
      caSecret('wrong-ca', otherCa.cert),
    ),
    'policies.yaml': docs(
      policy('hashed', 'hashed', '  loadBalancer: { policy: RingHash }\n  hashPolicy: [{ header: x-user }]'),
      policy('maglev', 'maglev', '  loadBalancer: { policy: Maglev }\n  hashPolicy: [{ cookie: { name: session, ttl: 60s } }]'),
      policy('least', 'least', '  loadBalancer: { policy: LeastRequest }'),
      policy('random', 'random', '  loadBalancer: { policy: Random }'),
      policy('h2', 'h2', '  protocol: HTTP2'),
      policy('grpc', 'grpc', '  protocol: GRPC'),
      policy('tls-ok', 'tls-ok', '  tls: { sni: backend.test, caCertificateRef: { name: backend-ca } }'),
      policy('tls-bad', 'tls-bad', '  tls: { sni: backend.test, caCertificateRef: { name: wrong-ca } }'),
      policy('outlier', 'outlier', '  outlierDetection: { consecutive5xx: 2, interval: 200ms, baseEjectionTime: 30s, maxEjectionPercent: 50 }'),
      policy('checked', 'checked', '  healthCheck: { path: /healthz, interval: 200ms, timeout: 1s, unhealthyThreshold: 1, healthyThreshold: 1 }'),
      policy('breaker', 'breaker', '  circuitBreaker: { maxConnections: 1, maxPendingRequests: 1, maxRequests: 1 }'),
    ),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: clusters, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
${rule('/rr', 'rr')}${rule('/hashed', 'hashed')}${rule('/maglev', 'maglev')}${rule('/least', 'least')}${rule('/random', 'random')}${rule('/h2', 'h2')}${rule('/tidegate.testing.v1.Echo', 'grpc')}${rule('/tls-ok', 'tls-ok')}${rule('/tls-bad', 'tls-bad')}${rule('/outlier', 'outlier')}${rule('/checked', 'checked')}${rule('/breaker', 'breaker')}${rule('/dns', 'dns', rr1.port)}`,
  });
  sick.setStatus(503);
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await httpRequest(port, '/rr')).status === 200, 20_000, 'Envoy to serve');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([rr1, rr2, h2, tlsEcho, flaky, steady, sick, fine, slow].map((s) => s?.close()));
  await grpc?.close();
});

async function spread(path: string, n: number, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const replies = await Promise.all(Array.from({ length: n }, () => httpRequest(port, path, { headers })));
  for (const r of replies) counts[r.json?.backend ?? r.status] = (counts[r.json?.backend ?? r.status] ?? 0) + 1;
  return counts;
}

describe('load balancing', () => {
  it('round robin uses every endpoint', async () => {
    const counts = await spread('/rr', 40);
    expect(counts.rr1).toBeGreaterThanOrEqual(10);
    expect(counts.rr2).toBeGreaterThanOrEqual(10);
  });

  it('least request and random use every endpoint', async () => {
    for (const path of ['/least', '/random']) {
      const counts = await spread(path, 60);
      expect(Object.keys(counts).sort()).toEqual(['rr1', 'rr2']);
    }
  });

  it('ring hash on a header keeps a user on one endpoint', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const counts = await spread('/hashed', 20, { 'x-user': user });
      expect(Object.values(counts)).toEqual([20]);
    }
    const users = await Promise.all(Array.from({ length: 30 }, (_, i) => httpRequest(port, '/hashed', { headers: { 'x-user': `u${i}` } })));
    expect(new Set(users.map((r) => r.json.backend)).size).toBe(2);
  });

  it('maglev on a cookie keeps a session on one endpoint', async () => {
    const counts = await spread('/maglev', 20, { cookie: 'session=s-42' });
    expect(Object.values(counts)).toEqual([20]);
  });
});

describe('upstream protocols', () => {
  it('speaks HTTP/2 to an h2c backend', async () => {
    const reply = (await httpRequest(port, '/h2')).json;
    expect(reply).toMatchObject({ backend: 'h2', httpVersion: '2.0' });
  });

  it('routes gRPC to a gRPC backend', async () => {
    const reply = await grpcEcho(`127.0.0.1:${port}`, 'ping', { 'x-trace': 't1' });
    expect(reply).toMatchObject({ message: 'ping', backend: 'grpc' });
    expect(reply.metadata['x-trace']).toBe('t1');
  });

  it('resolves a DNS (ExternalName) backend', async () => {
    expect((await httpRequest(port, '/dns')).json.backend).toBe('rr1');
  });
});

describe('upstream TLS', () => {
  it('connects with SNI and verifies the backend against the configured CA', async () => {
    const reply = (await httpRequest(port, '/tls-ok')).json;
    expect(reply.backend).toBe('tls');
  });

  it('refuses a backend whose certificate the CA did not sign', async () => {
    expect((await httpRequest(port, '/tls-bad')).status).toBe(503);
  });
});

describe('resilience', () => {
  it('outlier detection ejects an endpoint that keeps failing', async () => {
    await spread('/outlier', 20);
    const after = await spread('/outlier', 20);
    expect(after).toEqual({ steady: 20 });
  });

  it('active health checks keep traffic away from an unhealthy endpoint', async () => {
    await waitFor(async () => {
      const counts = await spread('/checked', 20);
      return counts.fine === 20;
    }, 10_000, 'the failing endpoint to be marked unhealthy');
    expect(sick.received.some((r) => r.path === '/healthz')).toBe(true);
  });

  it('circuit breakers shed load beyond their limits', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => httpRequest(port, '/breaker?delay=500')));
    const shed = replies.filter((r) => r.status === 503 && r.headers['x-envoy-overloaded'] === 'true');
    expect(shed.length).toBeGreaterThan(0);
    expect(replies.some((r) => r.status === 200)).toBe(true);
  });
});
