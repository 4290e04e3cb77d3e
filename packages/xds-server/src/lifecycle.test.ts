// Streams and identity, cleanup, shutdown, metrics, status and the scale habits of shared/XDS-PROTOCOL.md.
import * as grpc from '@grpc/grpc-js';
import { TypeUrl } from '@tidegate/envoy-api';
import { GROUP, NODE, eventually, metricValue, startHarness, type Harness } from './test-support/harness';
import { cla, cluster, listener, resourceSet, routeConfig, secret } from './test-support/resources';
import type { SotwResponse, SotwStream } from './test-support/xds-client';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;

let h: Harness;
afterEach(async () => {
  await h.close();
});

const ack = (s: SotwStream, res: SotwResponse, names: string[] = []): void => {
  s.send({ type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: names });
};

describe('streams and identity', () => {
  it('serves ADS SotW, ADS Delta and the per-type services (Stream* and Delta*)', async () => {
    h = await startHarness();
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a'), listener('l', 'r'), routeConfig('r', 'a'), secret('s')));
    const services: Array<[string, string, string, string[]]> = [
      ['envoy.service.cluster.v3.ClusterDiscoveryService', 'Clusters', CDS, []],
      ['envoy.service.listener.v3.ListenerDiscoveryService', 'Listeners', LDS, []],
      ['envoy.service.route.v3.RouteDiscoveryService', 'Routes', TypeUrl.RouteConfiguration, ['r']],
      ['envoy.service.endpoint.v3.EndpointDiscoveryService', 'Endpoints', EDS, ['a']],
      ['envoy.service.secret.v3.SecretDiscoveryService', 'Secrets', TypeUrl.Secret, ['s']],
    ];
    for (const [service, noun, typeUrl, names] of services) {
      // Per-type services may omit type_url.
      const s = h.client.sotw(`/${service}/Stream${noun}`).send({ node: NODE, resource_names: names });
      const r = await s.next();
      expect(r.type_url).toBe(typeUrl);
      expect(r.names.length).toBe(1);
      const d = h.client.delta(`/${service}/Delta${noun}`).send({ node: NODE, resource_names_subscribe: names });
      expect((await d.next()).type_url).toBe(typeUrl);
      s.cancel();
      d.cancel();
    }
    const ads = h.client.sotw().send({ node: NODE, type_url: CDS });
    expect((await ads.next()).names).toEqual(['a']);
    const delta = h.client.delta().send({ node: NODE, type_url: CDS });
    expect((await delta.next()).names).toEqual(['a']);
  });

  it('remembers the node of the first request; later requests may omit it', async () => {
    h = await startHarness();
    h.cache.set(GROUP, resourceSet(cluster('a'), listener('l', 'r')));
    h.cache.set('other', resourceSet(cluster('b')));
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    ack(s, await s.next());
    s.send({ type_url: LDS }); // no node: still proxy-1 of group g1
    expect((await s.next()).names).toEqual(['l']);
    // A later request naming another node does not move the stream.
    s.send({ node: { id: 'x', cluster: 'other' }, type_url: TypeUrl.Secret, resource_names: ['s'] });
    await s.none();
    expect(h.server.connectedProxies()).toEqual([{ nodeId: 'proxy-1', group: 'g1', streams: [expect.objectContaining({ protocol: 'sotw' })] }]);
  });

  it('groups by node.cluster, else node.id, or by a custom groupOf', async () => {
    h = await startHarness();
    h.cache.set('by-id', resourceSet(cluster('from-id')));
    h.cache.set('by-cluster', resourceSet(cluster('from-cluster')));
    const byCluster = h.client.sotw().send({ node: { id: 'by-id', cluster: 'by-cluster' }, type_url: CDS });
    expect((await byCluster.next()).names).toEqual(['from-cluster']);
    const byId = h.client.sotw().send({ node: { id: 'by-id', cluster: '' }, type_url: CDS });
    expect((await byId.next()).names).toEqual(['from-id']);
    await h.close();

    h = await startHarness({ groupOf: (node) => `custom-${node.id}` });
    h.cache.set('custom-n', resourceSet(cluster('c')));
    const custom = h.client.sotw().send({ node: { id: 'n', cluster: 'ignored' }, type_url: CDS });
    expect((await custom.next()).names).toEqual(['c']);
  });

  it('ends a stream whose first request has no node with INVALID_ARGUMENT', async () => {
    h = await startHarness();
    const s = h.client.sotw().send({ type_url: CDS });
    expect((await s.ended()).code).toBe(grpc.status.INVALID_ARGUMENT);
    await eventually(() => h.server.streamCount() === 0);
  });

  it('frees watches and state when streams end with CANCELLED: no leak after many reconnects', async () => {
    h = await startHarness();
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a')));
    for (let i = 0; i < 40; i++) {
      const sotw = h.client.sotw().send({ node: NODE, type_url: CDS });
      const delta = h.client.delta().send({ node: NODE, type_url: EDS, resource_names_subscribe: ['a'] });
      await sotw.next();
      await delta.next();
      expect(h.cache.watcherCount()).toBe(2);
      sotw.cancel();
      delta.cancel();
      await eventually(() => h.cache.watcherCount() === 0, 2000, 'watchers released');
    }
    // Half-closed by the client and ended by the server count as well.
    const halfClosed = h.client.sotw().send({ node: NODE, type_url: CDS });
    await halfClosed.next();
    halfClosed.call.end();
    expect((await halfClosed.ended()).code).toBe(grpc.status.OK);
    await eventually(() => h.server.streamCount() === 0 && h.cache.watcherCount() === 0);
    expect(h.server.connectedProxies()).toEqual([]);
    expect(h.server.syncStatus()).toEqual([]);
    expect(await metricValue(h.registry, 'tidegate_xds_connected_proxies')).toBe(0);
  });

  it('close() ends open streams with OK and releases them', async () => {
    h = await startHarness();
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    await s.next();
    const started = Date.now();
    await h.server.close();
    expect((await s.ended()).code).toBe(grpc.status.OK);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(h.cache.watcherCount()).toBe(0);
  });
});

describe('status and metrics', () => {
  it('reports sync status per stream and type, and counts pushes, ACKs, NACKs and push time', async () => {
    h = await startHarness();
    h.cache.set(GROUP, resourceSet(cluster('a'), listener('l', 'r')));
    const s = h.client.sotw().send({ node: NODE, type_url: CDS });
    const c = await s.next();
    ack(s, c);
    s.send({ type_url: LDS });
    const l = await s.next();
    s.send({ type_url: LDS, version_info: '', response_nonce: l.nonce, error_detail: { message: 'bad listener' } });
    await eventually(() => h.server.syncStatus().some((r) => r.lastNack));
    const rows = h.server.syncStatus();
    expect(rows).toEqual([
      { nodeId: 'proxy-1', group: 'g1', streamId: expect.any(Number), protocol: 'sotw', type: 'CDS', versionSent: c.version_info, versionAcked: c.version_info, pending: false },
      {
        nodeId: 'proxy-1',
        group: 'g1',
        streamId: rows[0]!.streamId,
        protocol: 'sotw',
        type: 'LDS',
        versionSent: l.version_info,
        versionAcked: '',
        pending: false,
        lastNack: { version: l.version_info, message: 'bad listener', at: expect.any(Date) },
      },
    ]);
    expect(await metricValue(h.registry, 'tidegate_xds_pushes_total', { type: 'CDS' })).toBe(1);
    expect(await metricValue(h.registry, 'tidegate_xds_acks_total', { type: 'CDS' })).toBe(1);
    expect(await metricValue(h.registry, 'tidegate_xds_nacks_total', { type: 'LDS' })).toBe(1);
    expect(await metricValue(h.registry, 'tidegate_xds_connected_proxies')).toBe(1);
    // Push time is measured from set() for pushes a snapshot caused.
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 9 }), listener('l', 'r')));
    await s.next();
    const pushTimings = async (): Promise<number> => {
      const histogram = await h.registry.getSingleMetric('tidegate_xds_push_duration_seconds')!.get();
      const values = histogram.values as Array<{ metricName?: string; labels: Record<string, unknown>; value: number }>;
      return values.find((v) => v.metricName === 'tidegate_xds_push_duration_seconds_count' && v.labels.type === 'CDS')?.value ?? 0;
    };
    await eventually(async () => (await pushTimings()) === 1, 2000, 'push duration observed');
    expect(h.registry.getSingleMetric('tidegate_xds_stale_nonces_total')).toBeDefined();
  });
});

describe('scale habits', () => {
  it('shares each resource encoding across streams: the bytes sent are the translator’s bytes', async () => {
    h = await startHarness();
    const a = cluster('a');
    const set = resourceSet(a);
    h.cache.set(GROUP, set);
    expect(h.cache.get(GROUP)).toBe(set);
    const s1 = h.client.sotw().send({ node: NODE, type_url: CDS });
    const s2 = h.client.delta().send({ node: { id: 'proxy-2', cluster: GROUP }, type_url: CDS });
    const r1 = await s1.next();
    const r2 = await s2.next();
    expect(Buffer.compare(Buffer.from(r1.resources[0]!.any), Buffer.from(a.any))).toBe(0);
    expect(Buffer.compare(Buffer.from(r2.resources[0]!.any), Buffer.from(a.any))).toBe(0);
    expect(r2.resources[0]!.version).toBe(a.version);
  });

  it('never lets a slow stream hold up others; the slow one catches up with the latest state', async () => {
    h = await startHarness();
    // Big listeners so a proxy that does not read fills its flow-control window quickly.
    const bigSet = (i: number) =>
      resourceSet(...Array.from({ length: 20 }, (_, k) => listener(`l${k}-${'x'.repeat(2000)}`, `r${i}`)));
    h.cache.set(GROUP, bigSet(0));
    const slow = h.client.sotw().send({ node: { id: 'slow', cluster: GROUP }, type_url: LDS });
    const fast = h.client.sotw().send({ node: { id: 'fast', cluster: GROUP }, type_url: LDS });
    await slow.next();
    ack(fast, await fast.next());
    slow.call.pause(); // stops reading: its responses pile up in the server
    const rounds = 40;
    for (let i = 1; i <= rounds; i++) {
      const t0 = Date.now();
      h.cache.set(GROUP, bigSet(i));
      const r = await fast.next(2000);
      ack(fast, r);
      expect(Date.now() - t0).toBeLessThan(1000);
    }
    slow.call.resume();
    let last: SotwResponse | undefined;
    const want = h.cache.snapshot(GROUP)!.typeVersion(LDS);
    await eventually(async () => {
      last = await slow.next(2000);
      return last.version_info === want;
    }, 5000, 'slow stream caught up');
    // It was not sent every intermediate version.
    expect(slow.received).toBeLessThan(rounds + 1);
  });
});
