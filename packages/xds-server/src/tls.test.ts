// The mutual-TLS port: client certificates pin a stream to one proxy group; nothing crosses groups.
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { TypeUrl } from '@tidegate/envoy-api';
import { SnapshotCache } from './snapshot-cache';
import { XdsServer } from './xds-server';
import { createTestCa, issueCert, issueServerCert, type Pem, type TestCa } from './test-support/certs';
import { eventually } from './test-support/harness';
import { listener, resourceSet, routeConfig, secret } from './test-support/resources';
import { TestXdsClient, type SotwStream } from './test-support/xds-client';

const LDS = TypeUrl.Listener;
const SDS = TypeUrl.Secret;
const GROUP_A = 'ns-a/gw-a';
const GROUP_B = 'ns-b/gw-b';
const SDS_SERVICE = '/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets';

let ca: TestCa;
let serverPem: Pem;
let certA: Pem;
let certBbyCn: Pem;
let certNoGroup: Pem;
let cache: SnapshotCache;
let server: XdsServer;
let tlsPort: number;
let plainPort: number;
const clients: TestXdsClient[] = [];

beforeAll(async () => {
  ca = createTestCa();
  serverPem = issueServerCert(ca);
  certA = issueCert(ca, { cn: 'ns-b/gw-b', uri: ['spiffe://tidegate/ns/ns-a/gateway/gw-a'] }); // the URI SAN wins over the CN
  certBbyCn = issueCert(ca, { cn: GROUP_B });
  certNoGroup = issueCert(ca, { cn: 'just-a-name' });
  cache = new SnapshotCache();
  cache.set(GROUP_A, resourceSet(listener('listener-a', 'route-a'), routeConfig('route-a', 'c'), secret('secret-a')));
  cache.set(GROUP_B, resourceSet(listener('listener-b', 'route-b'), routeConfig('route-b', 'c'), secret('secret-b')));
  server = new XdsServer({ cache, registry: new Registry() });
  plainPort = await server.listen('127.0.0.1', 0);
  tlsPort = await server.listenTls('127.0.0.1', 0, { cert: serverPem.cert, key: serverPem.key, ca: ca.cert });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

function tlsClient(client?: Pem, trust: string = ca.cert): TestXdsClient {
  const creds = client
    ? grpc.credentials.createSsl(Buffer.from(trust), Buffer.from(client.key), Buffer.from(client.cert))
    : grpc.credentials.createSsl(Buffer.from(trust));
  // A host name, not 127.0.0.1: TLS SNI cannot carry an IP address.
  const c = new TestXdsClient(tlsPort, creds, { 'grpc.ssl_target_name_override': 'localhost' });
  clients.push(c);
  return c;
}

const node = (id: string, cluster: string) => ({ id, cluster });

async function listenerNames(s: SotwStream): Promise<string[]> {
  const res = await s.next(5000);
  expect(res.type_url).toBe(LDS);
  return res.names;
}

it('reports both bound ports', () => {
  expect(server.addresses()).toEqual([
    { host: '127.0.0.1', port: plainPort, tls: false },
    { host: '127.0.0.1', port: tlsPort, tls: true },
  ]);
});

it("serves a proxy its certificate's group (URI SAN, or CN without one)", async () => {
  const a = tlsClient(certA).sotw().send({ node: node('a-1', GROUP_A), type_url: LDS });
  expect(await listenerNames(a)).toEqual(['listener-a']);
  const b = tlsClient(certBbyCn).sotw().send({ node: node('b-1', GROUP_B), type_url: LDS });
  expect(await listenerNames(b)).toEqual(['listener-b']);
  await eventually(() => server.connectedProxies().length === 2, 5000, 'both proxies connected');
  expect(server.connectedProxies().map((p) => [p.nodeId, p.group]).sort()).toEqual([
    ['a-1', GROUP_A],
    ['b-1', GROUP_B],
  ]);
  a.cancel();
  b.cancel();
});

it('refuses a node that claims another group than its certificate, on SotW, Delta and per-type streams', async () => {
  const client = tlsClient(certA);
  const sotw = client.sotw().send({ node: node('a-1', GROUP_B), type_url: LDS });
  const delta = client.delta().send({ node: node('a-1', GROUP_B), type_url: LDS, resource_names_subscribe: ['*'] });
  const sds = client.sotw(SDS_SERVICE).send({ node: node('a-1', GROUP_B), type_url: SDS, resource_names: ['secret-b'] });
  // An empty cluster falls back to the node id, which is no group either.
  const noCluster = client.sotw().send({ node: node('a-1', ''), type_url: LDS });
  for (const s of [sotw, delta, sds, noCluster]) {
    const status = await s.ended(5000);
    expect(status.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(s.received).toBe(0);
  }
  expect(sotw.status!.details).toBe('node "a-1" claims proxy group "ns-b/gw-b" but its client certificate identifies "ns-a/gw-a"');
});

it("never sends another group's secret, even when a stream names it", async () => {
  const s = tlsClient(certA).sotw(SDS_SERVICE).send({ node: node('a-1', GROUP_A), type_url: SDS, resource_names: ['secret-a', 'secret-b'] });
  const res = await s.next(5000);
  expect(res.names).toEqual(['secret-a']);
  await s.none(200);
  s.cancel();
});

it('refuses a certificate that names no proxy group with UNAUTHENTICATED', async () => {
  const s = tlsClient(certNoGroup).sotw().send({ node: node('x', 'just-a-name'), type_url: LDS });
  const status = await s.ended(5000);
  expect(status.code).toBe(grpc.status.UNAUTHENTICATED);
  expect(status.details).toMatch(/subject CN "just-a-name" is not a proxy group/);
});

it('refuses at the handshake a client without a certificate, or with one from another CA', async () => {
  const other = createTestCa('Another CA');
  const foreign = issueCert(other, { uri: ['spiffe://tidegate/ns/ns-a/gateway/gw-a'] });
  for (const client of [tlsClient(), tlsClient(foreign)]) {
    const s = client.sotw().send({ node: node('a-1', GROUP_A), type_url: LDS });
    const status = await s.ended(10_000);
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(s.received).toBe(0);
  }
  // No stream was ever accepted for them.
  await eventually(() => server.streamCount() === 0, 5000, 'no open streams');
});

it('keeps the plaintext port unpinned (it is for loopback use)', async () => {
  const c = new TestXdsClient(plainPort);
  clients.push(c);
  const s = c.sotw().send({ node: node('local', GROUP_B), type_url: LDS });
  expect(await listenerNames(s)).toEqual(['listener-b']);
  s.cancel();
});

it('can serve the TLS port alone, refuses bad TLS material, and closes promptly', async () => {
  const alone = new XdsServer({ cache: new SnapshotCache(), registry: new Registry() });
  await expect(alone.listenTls('127.0.0.1', 0, { cert: 'not a pem', key: serverPem.key, ca: ca.cert })).rejects.toThrow(/invalid xDS TLS material/);
  await expect(alone.listenTls('127.0.0.1', 0, { cert: serverPem.cert, key: certA.key, ca: ca.cert })).rejects.toThrow(/invalid xDS TLS material.*key values mismatch/);
  await expect(alone.listenTls('127.0.0.1', plainPort, { cert: serverPem.cert, key: serverPem.key, ca: ca.cert })).rejects.toThrow(/cannot listen/);
  // A failed bind leaves the TLS port free to try again.
  const port = await alone.listenTls('127.0.0.1', 0, { cert: serverPem.cert, key: serverPem.key, ca: ca.cert });
  expect(alone.addresses()).toEqual([{ host: '127.0.0.1', port, tls: true }]);
  await expect(alone.listenTls('127.0.0.1', 0, { cert: serverPem.cert, key: serverPem.key, ca: ca.cert })).rejects.toThrow(/one TLS port/);
  const started = Date.now();
  await alone.close();
  expect(Date.now() - started).toBeLessThan(2000);
});
