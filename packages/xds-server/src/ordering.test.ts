// Ordering and warming rules (make before break) of shared/XDS-PROTOCOL.md, for SotW and Delta.
import { TypeUrl } from '@tidegate/envoy-api';
import { GROUP, NODE, startHarness, type Harness } from './test-support/harness';
import { cla, cluster, listener, resourceSet, routeConfig, secret } from './test-support/resources';
import type { DeltaResponse, DeltaStream, SotwResponse, SotwStream } from './test-support/xds-client';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;
const RDS = TypeUrl.RouteConfiguration;
const SDS = TypeUrl.Secret;
const short = (t: string): string => t.slice(t.lastIndexOf('.') + 1);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const ack = (s: SotwStream, res: SotwResponse, names: string[] = []): void => {
  s.send({ type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: names });
};
const deltaAck = (s: DeltaStream, res: DeltaResponse): void => {
  s.send({ type_url: res.type_url, response_nonce: res.nonce });
};

/** Subscribes all five types on one SotW ADS stream, then ACKs until quiet. */
async function sotwConnected(names: { eds: string[]; rds: string[]; sds: string[] }): Promise<SotwStream> {
  const s = h.client.sotw().send({ node: NODE, type_url: LDS });
  s.send({ type_url: CDS }).send({ type_url: EDS, resource_names: names.eds });
  s.send({ type_url: RDS, resource_names: names.rds }).send({ type_url: SDS, resource_names: names.sds });
  return s;
}

describe('push order', () => {
  it('pushes CDS → EDS → SDS, then LDS → RDS once the new cluster is warm (SotW)', async () => {
    const s = await sotwConnected({ eds: ['a'], rds: ['r'], sds: ['s'] });
    await s.none(); // no snapshot yet: nothing to say
    h.cache.set(GROUP, resourceSet(secret('s'), routeConfig('r', 'a'), listener('l', 'r'), cla('a'), cluster('a')));
    const c = await s.next();
    const e = await s.next();
    const sec = await s.next();
    expect([c, e, sec].map((r) => short(r.type_url))).toEqual(['Cluster', 'ClusterLoadAssignment', 'Secret']);
    await s.none(); // listeners and routes wait for the new cluster
    ack(s, c);
    await s.none();
    ack(s, e, ['a']);
    const got: string[] = [];
    for (let i = 0; i < 2; i++) got.push(short((await s.next()).type_url));
    expect(got).toEqual(['Listener', 'RouteConfiguration']);
  });

  it('pushes CDS → EDS → SDS, then LDS → RDS once the new cluster is warm (Delta)', async () => {
    const s = h.client.delta().send({ node: NODE, type_url: SDS, resource_names_subscribe: ['s'] });
    s.send({ type_url: RDS, resource_names_subscribe: ['r'] }).send({ type_url: LDS });
    s.send({ type_url: EDS, resource_names_subscribe: ['a'] }).send({ type_url: CDS });
    await s.none();
    h.cache.set(GROUP, resourceSet(secret('s'), routeConfig('r', 'a'), listener('l', 'r'), cla('a'), cluster('a')));
    const c = await s.next();
    const e = await s.next();
    const sec = await s.next();
    expect([c, e, sec].map((r) => short(r.type_url))).toEqual(['Cluster', 'ClusterLoadAssignment', 'Secret']);
    await s.none();
    deltaAck(s, c);
    deltaAck(s, e);
    const got: string[] = [];
    for (let i = 0; i < 2; i++) got.push(short((await s.next()).type_url));
    expect(got).toEqual(['Listener', 'RouteConfiguration']);
  });

  it('answers a newly named route configuration at once, so a new listener leaves warming', async () => {
    h.cache.set(GROUP, resourceSet(listener('l', 'r'), routeConfig('r', 'a')));
    const s = h.client.sotw().send({ node: NODE, type_url: LDS });
    const l = await s.next();
    ack(s, l);
    s.send({ type_url: RDS, resource_names: ['r'] });
    expect(await s.next()).toMatchObject({ type_url: RDS, names: ['r'] });
  });
});

describe('warming', () => {
  it('after a CDS update sends EDS for the subscribed clusters again, even unchanged (SotW)', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a')));
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    ack(s, await s.next());
    s.send({ type_url: EDS, resource_names: ['a'] });
    const e1 = await s.next();
    ack(s, e1, ['a']);
    await s.none();
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 4321 }), cla('a')));
    expect((await s.next()).type_url).toBe(CDS);
    const e2 = await s.next();
    expect(e2).toMatchObject({ type_url: EDS, names: ['a'], version_info: e1.version_info });
  });

  it('after a CDS update sends EDS for the subscribed clusters again, even unchanged (Delta)', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a')));
    const s = h.client.delta().send({ node: NODE, type_url: CDS });
    deltaAck(s, await s.next());
    s.send({ type_url: EDS, resource_names_subscribe: ['a'] });
    deltaAck(s, await s.next());
    await s.none();
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 4321 }), cla('a')));
    expect((await s.next()).type_url).toBe(CDS);
    expect(await s.next()).toMatchObject({ type_url: EDS, names: ['a'] });
  });
});

describe('make before break', () => {
  const before = () => resourceSet(cluster('old'), cla('old'), listener('l', 'r'), routeConfig('r', 'old'));
  const after = () => resourceSet(cluster('new'), cla('new'), listener('l', 'r'), routeConfig('r', 'new'));

  it('removes stale clusters only after the routes that used them are gone (SotW)', async () => {
    h.cache.set(GROUP, before());
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    ack(s, await s.next());
    s.send({ type_url: EDS, resource_names: ['old'] });
    ack(s, await s.next(), ['old']);
    s.send({ type_url: LDS });
    ack(s, await s.next());
    s.send({ type_url: RDS, resource_names: ['r'] });
    ack(s, await s.next(), ['r']);
    await s.none();

    h.cache.set(GROUP, after());
    // 1. CDS keeps the old cluster next to the new one; EDS follows (forced); routes wait for "new" to warm.
    const c1 = await s.next();
    expect(c1).toMatchObject({ type_url: CDS });
    expect(c1.names.sort()).toEqual(['new', 'old']);
    const e1 = await s.next();
    expect(e1).toMatchObject({ type_url: EDS, names: ['old'] });
    ack(s, c1);
    ack(s, e1, ['old', 'new']); // the proxy asks for the new cluster's endpoints
    const e2 = await s.next();
    expect(e2.names.sort()).toEqual(['new', 'old']);
    await s.none();
    ack(s, e2, ['old', 'new']);
    // LDS is unchanged; RDS moves to "new".
    const r1 = await s.next();
    expect(r1).toMatchObject({ type_url: RDS, names: ['r'] });
    expect(r1.resources[0]!.object).toMatchObject({ virtual_hosts: [{ routes: [{ route: { cluster: 'new' } }] }] });
    await s.none(); // routes not ACKed yet: the old cluster stays

    // 2. Routes ACKed: now the old cluster goes, and EDS follows.
    ack(s, r1, ['r']);
    const c2 = await s.next();
    expect(c2).toMatchObject({ type_url: CDS, names: ['new'] });
    const e3 = await s.next();
    expect(e3).toMatchObject({ type_url: EDS, names: ['new'] });
  });

  it('keeps stale clusters while the new routes are NACKed', async () => {
    h.cache.set(GROUP, before());
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    ack(s, await s.next());
    s.send({ type_url: EDS, resource_names: ['old'] });
    ack(s, await s.next(), ['old']);
    s.send({ type_url: RDS, resource_names: ['r'] });
    ack(s, await s.next(), ['r']);
    await s.none();
    // "new" has no endpoints in the snapshot: nothing to warm on but the CDS ACK.
    h.cache.set(GROUP, resourceSet(cluster('new'), routeConfig('r', 'new')));
    const c = await s.next();
    expect(c.names.sort()).toEqual(['new', 'old']);
    expect(await s.next()).toMatchObject({ type_url: EDS, names: ['old'] }); // forced after CDS
    ack(s, c);
    const r = await s.next();
    expect(r.type_url).toBe(RDS);
    s.send({ type_url: RDS, version_info: 'previous', response_nonce: r.nonce, resource_names: ['r'], error_detail: { message: 'no' } });
    await s.none();
  });

  it('removes clusters at once on a stream that does not carry routes', async () => {
    h.cache.set(GROUP, before());
    const s = h.client.sotw('/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters').send({ node: NODE });
    ack(s, await s.next());
    await s.none();
    h.cache.set(GROUP, after());
    expect(await s.next()).toMatchObject({ type_url: CDS, names: ['new'] });
  });

  it('removes stale clusters only after the routes that used them are gone (Delta)', async () => {
    h.cache.set(GROUP, before());
    const s = h.client.delta().send({ node: NODE, type_url: CDS });
    deltaAck(s, await s.next());
    s.send({ type_url: EDS, resource_names_subscribe: ['old'] });
    deltaAck(s, await s.next());
    s.send({ type_url: LDS });
    deltaAck(s, await s.next());
    s.send({ type_url: RDS, resource_names_subscribe: ['r'] });
    deltaAck(s, await s.next());
    await s.none();

    h.cache.set(GROUP, after());
    const c1 = await s.next();
    expect(c1).toMatchObject({ type_url: CDS, names: ['new'], removed_resources: [] });
    expect(await s.next()).toMatchObject({ type_url: EDS, names: ['old'] }); // forced after CDS
    deltaAck(s, c1);
    s.send({ type_url: EDS, resource_names_subscribe: ['new'] });
    const e1 = await s.next();
    expect(e1).toMatchObject({ type_url: EDS, names: ['new'] });
    deltaAck(s, e1);
    const r1 = await s.next();
    expect(r1).toMatchObject({ type_url: RDS, names: ['r'] });
    await s.none();
    deltaAck(s, r1);
    expect(await s.next()).toMatchObject({ type_url: CDS, names: [], removed_resources: ['old'] });
  });
});
