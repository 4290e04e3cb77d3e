// Make before break for additions: on ADS, listeners and routes wait until new or changed clusters are warm.
import { TypeUrl } from '@tidegate/envoy-api';
import { SnapshotCache } from './snapshot-cache';
import { GROUP, NODE, metricValue, startHarness, type Harness } from './test-support/harness';
import { cla, cluster, listener, resourceSet, routeConfig, secret } from './test-support/resources';
import type { DeltaResponse, DeltaStream, SotwResponse, SotwStream } from './test-support/xds-client';
import { XdsServer } from './xds-server';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;
const RDS = TypeUrl.RouteConfiguration;
const SDS = TypeUrl.Secret;

let h: Harness;
afterEach(async () => {
  await h.close();
});

const ack = (s: SotwStream, res: SotwResponse, names: string[] = []): void => {
  s.send({ type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: names });
};
const deltaAck = (s: DeltaStream, res: DeltaResponse): void => {
  s.send({ type_url: res.type_url, response_nonce: res.nonce });
};
const routedTo = (res: { resources: Array<{ object: Record<string, unknown> }> }): unknown =>
  (res.resources[0]!.object as { virtual_hosts: Array<{ routes: Array<{ route: { cluster: string } }> }> }).virtual_hosts[0]!.routes[0]!.route.cluster;

/** Cluster `a` with endpoints, a listener and routes to `a`. */
const base = () => [cluster('a'), cla('a'), listener('l', 'r')];

/** A SotW ADS stream that subscribed and ACKed CDS, EDS [a], LDS and RDS [r] for `base()` routed to `a`. */
async function sotwSynced(): Promise<SotwStream> {
  h.cache.set(GROUP, resourceSet(...base(), routeConfig('r', 'a')));
  const s = h.client.sotw().send({ node: NODE, type_url: CDS });
  ack(s, await s.next());
  s.send({ type_url: EDS, resource_names: ['a'] });
  ack(s, await s.next(), ['a']);
  s.send({ type_url: LDS });
  ack(s, await s.next());
  s.send({ type_url: RDS, resource_names: ['r'] });
  ack(s, await s.next(), ['r']);
  await s.none();
  return s;
}

/** The Delta counterpart of `sotwSynced`. */
async function deltaSynced(): Promise<DeltaStream> {
  h.cache.set(GROUP, resourceSet(...base(), routeConfig('r', 'a')));
  const s = h.client.delta().send({ node: NODE, type_url: CDS });
  deltaAck(s, await s.next());
  s.send({ type_url: EDS, resource_names_subscribe: ['a'] });
  deltaAck(s, await s.next());
  s.send({ type_url: LDS });
  deltaAck(s, await s.next());
  s.send({ type_url: RDS, resource_names_subscribe: ['r'] });
  deltaAck(s, await s.next());
  await s.none();
  return s;
}

describe('adding a cluster and routing to it', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('sends RDS only after the new cluster was sent its endpoints and ACKed them; a route-only change goes at once (SotW)', async () => {
    const s = await sotwSynced();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    const c = await s.next();
    expect(c).toMatchObject({ type_url: CDS });
    expect(c.names.sort()).toEqual(['a', 'b']);
    const forced = await s.next(); // EDS again after CDS, for what the proxy subscribes so far
    expect(forced).toMatchObject({ type_url: EDS, names: ['a'] });
    await s.none(); // the route must not point at "b" while it warms
    ack(s, c);
    await s.none(); // CDS ACKed, but "b" has no endpoints yet
    ack(s, forced, ['a', 'b']); // Envoy subscribes the new cluster's endpoints
    const e = await s.next();
    expect(e).toMatchObject({ type_url: EDS });
    expect(e.names.sort()).toEqual(['a', 'b']);
    await s.none(); // sent, not yet ACKed
    ack(s, e, ['a', 'b']);
    const r = await s.next();
    expect(r).toMatchObject({ type_url: RDS, names: ['r'] });
    expect(routedTo(r)).toBe('b');
    ack(s, r, ['r']);
    await s.none();

    // Only routes change: no hold, no extra round trip.
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'a')));
    const r2 = await s.next(100);
    expect(r2).toMatchObject({ type_url: RDS });
    expect(routedTo(r2)).toBe('a');
  });

  it('sends RDS only after the new cluster was sent its endpoints and ACKed them; a route-only change goes at once (Delta)', async () => {
    const s = await deltaSynced();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    const c = await s.next();
    expect(c).toMatchObject({ type_url: CDS, names: ['b'] });
    const forced = await s.next();
    expect(forced).toMatchObject({ type_url: EDS, names: ['a'] });
    await s.none();
    deltaAck(s, c);
    deltaAck(s, forced);
    await s.none();
    s.send({ type_url: EDS, resource_names_subscribe: ['b'] });
    const e = await s.next();
    expect(e).toMatchObject({ type_url: EDS, names: ['b'] });
    await s.none();
    deltaAck(s, e);
    const r = await s.next();
    expect(r).toMatchObject({ type_url: RDS, names: ['r'] });
    expect(routedTo(r)).toBe('b');
    deltaAck(s, r);
    await s.none();

    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'a')));
    const r2 = await s.next(100);
    expect(r2).toMatchObject({ type_url: RDS });
    expect(routedTo(r2)).toBe('a');
  });

  it('holds routes while a changed EDS cluster re-warms, until its resent endpoints are ACKed', async () => {
    const s = await sotwSynced();
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 1234 }), cla('a'), listener('l', 'r'), routeConfig('r', 'a2'), cluster('a2')));
    const c = await s.next();
    expect(c.type_url).toBe(CDS);
    const e = await s.next();
    expect(e).toMatchObject({ type_url: EDS, names: ['a'] });
    ack(s, c);
    await s.none();
    ack(s, e, ['a']);
    expect(await s.next()).toMatchObject({ type_url: RDS });
  });

  it('resends unchanged endpoints a reconnecting Delta proxy holds when their cluster changed', async () => {
    const endpoints = cla('a');
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 1234 }), endpoints, listener('l', 'r'), routeConfig('r', 'a')));
    const s = h.client.delta().send({ node: NODE, type_url: CDS, initial_resource_versions: { a: 'before' } });
    const c = await s.next();
    expect(c).toMatchObject({ type_url: CDS, names: ['a'] });
    // Subscribed after the CDS push, claiming the current endpoints: sent anyway, or "a" stays warming.
    s.send({ type_url: EDS, resource_names_subscribe: ['a'], initial_resource_versions: { a: endpoints.version } });
    s.send({ type_url: RDS, resource_names_subscribe: ['r'], initial_resource_versions: { r: 'before' } });
    const e = await s.next();
    expect(e).toMatchObject({ type_url: EDS, names: ['a'] });
    await s.none();
    deltaAck(s, c);
    deltaAck(s, e);
    expect(await s.next()).toMatchObject({ type_url: RDS, names: ['r'] });
    await s.none();
  });

  it('pushes the latest routes once warm, never an intermediate version', async () => {
    const s = await sotwSynced();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    const c = await s.next();
    const forced = await s.next();
    // A newer snapshot while routes are held: they go back to "a" (b stays defined).
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'a')));
    await s.none();
    ack(s, c);
    ack(s, forced, ['a', 'b']);
    const e = await s.next();
    ack(s, e, ['a', 'b']);
    // The proxy holds routes to "a" already: nothing is owed.
    await s.none();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), cluster('c'), cla('c'), routeConfig('r', 'b')));
    const c2 = await s.next();
    const f2 = await s.next();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), cluster('c'), cla('c'), routeConfig('r', 'c')));
    await s.none();
    ack(s, c2);
    ack(s, f2, ['a', 'b', 'c']);
    ack(s, await s.next(), ['a', 'b', 'c']);
    const r = await s.next();
    expect(routedTo(r)).toBe('c');
    await s.none();
  });

  it('does not hold routes behind a rejected CDS response', async () => {
    const s = await sotwSynced();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    const c = await s.next();
    await s.next(); // forced EDS
    s.send({ type_url: CDS, version_info: 'previous', response_nonce: c.nonce, resource_names: [], error_detail: { message: 'bad cluster' } });
    expect(await s.next()).toMatchObject({ type_url: RDS });
    expect(await metricValue(h.registry, 'tidegate_xds_ordering_timeouts_total')).toBe(0);
  });

  it('does not hold routes on per-type streams, which cannot coordinate with each other', async () => {
    h.cache.set(GROUP, resourceSet(...base(), routeConfig('r', 'a')));
    const cds = h.client.sotw('/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters').send({ node: NODE });
    const rds = h.client.sotw('/envoy.service.route.v3.RouteDiscoveryService/StreamRoutes').send({ node: NODE, resource_names: ['r'] });
    ack(cds, await cds.next());
    ack(rds, await rds.next(), ['r']);
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    expect(await cds.next()).toMatchObject({ type_url: CDS });
    expect(await rds.next()).toMatchObject({ type_url: RDS });
  });
});

describe('the safety timeout', () => {
  beforeEach(async () => {
    h = await startHarness({ orderingTimeoutMs: 300 });
  });

  it('pushes held routes anyway when the new cluster does not warm in time, and counts it', async () => {
    const s = await sotwSynced();
    h.cache.set(GROUP, resourceSet(...base(), cluster('b'), cla('b'), routeConfig('r', 'b')));
    const c = await s.next();
    ack(s, c);
    ack(s, await s.next(), ['a']); // never subscribes "b"
    const started = Date.now();
    const r = await s.next(2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(r).toMatchObject({ type_url: RDS });
    expect(routedTo(r)).toBe('b');
    expect(await metricValue(h.registry, 'tidegate_xds_ordering_timeouts_total')).toBe(1);
  });

  it('rejects a negative timeout', () => {
    expect(() => new XdsServer({ cache: new SnapshotCache(), orderingTimeoutMs: -1 })).toThrow(/orderingTimeoutMs/);
  });
});

describe('secrets', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('removes a secret (Delta) only after the listener update that stopped using it is ACKed', async () => {
    h.cache.set(GROUP, resourceSet(listener('l', 'r'), secret('s')));
    const s = h.client.delta().send({ node: NODE, type_url: LDS });
    deltaAck(s, await s.next());
    s.send({ type_url: SDS, resource_names_subscribe: ['s'] });
    deltaAck(s, await s.next());
    await s.none();
    h.cache.set(GROUP, resourceSet(listener('l', 'r2')));
    const l = await s.next();
    expect(l).toMatchObject({ type_url: LDS, names: ['l'] });
    await s.none();
    deltaAck(s, l);
    expect(await s.next()).toMatchObject({ type_url: SDS, removed_resources: ['s'] });
  });
});
