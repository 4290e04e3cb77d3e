// One test per Delta rule of shared/XDS-PROTOCOL.md, driven by a raw gRPC client.
import { TypeUrl } from '@tidegate/envoy-api';
import { GROUP, NODE, eventually, metricValue, startHarness, type Harness } from './test-support/harness';
import { cla, cluster, listener, resourceSet } from './test-support/resources';
import type { DeltaResponse, DeltaStream } from './test-support/xds-client';
import type { XdsAckEvent } from './types';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function open(typeUrl: string, subscribe: string[] = [], initial: Record<string, string> = {}): DeltaStream {
  return h.client
    .delta()
    .send({ node: NODE, type_url: typeUrl, resource_names_subscribe: subscribe, initial_resource_versions: initial });
}

const ack = (s: DeltaStream, res: DeltaResponse): void => {
  s.send({ type_url: res.type_url, response_nonce: res.nonce });
};

describe('Delta', () => {
  it('puts a nonce on every response; system_version_info is informational', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const s = open(CDS);
    const r1 = await s.next();
    ack(s, r1);
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 5 })));
    const r2 = await s.next();
    h.cache.set(GROUP, resourceSet());
    const r3 = await s.next();
    expect(r3).toMatchObject({ names: [], removed_resources: ['a'] });
    const nonces = [r1, r2, r3].map((r) => r.nonce);
    expect(nonces.every((n) => n.length > 0)).toBe(true);
    expect(new Set(nonces).size).toBe(3);
    expect(r1.system_version_info).not.toBe(r2.system_version_info);
  });

  it('sends only the resources that changed (per-resource versions)', async () => {
    const a = cluster('a');
    h.cache.set(GROUP, resourceSet(a, cluster('b')));
    const s = open(CDS);
    const r1 = await s.next();
    expect(r1.names.sort()).toEqual(['a', 'b']);
    expect(r1.resources.find((r) => r.name === 'a')!.version).toBe(a.version);
    ack(s, r1);
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b', { connectTimeoutMs: 7 })));
    expect(await s.next()).toMatchObject({ names: ['b'], removed_resources: [] });
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b', { connectTimeoutMs: 7 })));
    await s.none();
  });

  it('on reconnect honours initial_resource_versions: sends only what differs and removes what is gone', async () => {
    const a = cluster('a');
    h.cache.set(GROUP, resourceSet(a, cluster('b')));
    const s = open(CDS, [], { a: a.version, b: 'old-version', gone: 'whatever' });
    expect(await s.next()).toMatchObject({ names: ['b'], removed_resources: ['gone'] });
  });

  it('keeps a subscription to a name that does not exist: reported in removed_resources, sent when it appears', async () => {
    h.cache.set(GROUP, resourceSet(cla('a')));
    const s = open(EDS, ['a', 'later']);
    const r1 = await s.next();
    expect(r1).toMatchObject({ names: ['a'], removed_resources: ['later'] });
    ack(s, r1);
    await s.none();
    h.cache.set(GROUP, resourceSet(cla('a'), cla('later')));
    expect(await s.next()).toMatchObject({ names: ['later'], removed_resources: [] });
  });

  it('sends a re-subscribed name again even though it was sent before', async () => {
    h.cache.set(GROUP, resourceSet(cla('a')));
    const s = open(EDS, ['a']);
    const r1 = await s.next();
    expect(r1.names).toEqual(['a']);
    ack(s, r1);
    s.send({ type_url: EDS, resource_names_unsubscribe: ['a'] });
    await s.none();
    s.send({ type_url: EDS, resource_names_subscribe: ['a'] });
    expect(await s.next()).toMatchObject({ names: ['a'], removed_resources: [] });
  });

  it('applies subscription changes even on a stale nonce', async () => {
    h.cache.set(GROUP, resourceSet(cla('a'), cla('b')));
    const s = open(EDS, ['a']);
    const r1 = await s.next();
    ack(s, r1);
    s.send({ type_url: EDS, response_nonce: 'not-a-nonce-we-sent', resource_names_subscribe: ['b'] });
    expect((await s.next()).names).toEqual(['b']);
    expect(await metricValue(h.registry, 'tidegate_xds_stale_nonces_total', { type: 'EDS' })).toBe(1);
    // Unsubscribing (also on a stale nonce) stops updates for that name.
    s.send({ type_url: EDS, response_nonce: 'stale-again', resource_names_unsubscribe: ['a'] });
    await s.none();
    h.cache.set(GROUP, resourceSet(cla('a', [['127.0.0.1', 3]]), cla('b')));
    await s.none();
  });

  it('answers the first wildcard request at once, even with an empty response', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const empty = open(LDS);
    expect(await empty.next()).toMatchObject({ type_url: LDS, names: [], removed_resources: [] });
    const a = h.cache.get(GROUP)!.get(CDS)!.get('a')!;
    const upToDate = open(CDS, [], { a: a.version });
    expect(await upToDate.next()).toMatchObject({ type_url: CDS, names: [], removed_resources: [] });
  });

  it('treats an empty first request as wildcard only until a name is subscribed without "*"', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b')));
    const s = open(CDS);
    const r1 = await s.next();
    expect(r1.names.sort()).toEqual(['a', 'b']);
    ack(s, r1);
    s.send({ type_url: CDS, resource_names_subscribe: ['a'] });
    await s.none(); // also lets the request arrive before the next set
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b'), cluster('c')));
    await s.none();
    s.send({ type_url: CDS, resource_names_subscribe: ['*'] });
    expect((await s.next()).names).toContain('c');
  });

  it('detects a NACK by error_detail and does not resend the rejected resources', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const nacks: XdsAckEvent[] = [];
    h.server.onNack((e) => nacks.push(e));
    const s = open(CDS);
    const r1 = await s.next();
    ack(s, r1);
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: -1000 })));
    const r2 = await s.next();
    s.send({ type_url: CDS, response_nonce: r2.nonce, error_detail: { code: 3, message: 'bad cluster' } });
    await eventually(() => nacks.length === 1);
    expect(nacks[0]).toMatchObject({ protocol: 'delta', typeUrl: CDS, version: r2.system_version_info, message: 'bad cluster' });
    await s.none(300);
    expect(h.server.syncStatus()[0]).toMatchObject({
      protocol: 'delta',
      type: 'CDS',
      versionAcked: r1.system_version_info,
      lastNack: { version: r2.system_version_info, message: 'bad cluster' },
    });
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 300 })));
    expect((await s.next()).names).toEqual(['a']);
  });

  it('keeps per-stream state per type, in one map keyed by type URL: CDS and LDS ACK independently', async () => {
    // No clusters: nothing to warm, so LDS is not held behind the unanswered CDS response.
    h.cache.set(GROUP, resourceSet(listener('l', 'r')));
    const s = open(CDS);
    const c = await s.next();
    s.send({ type_url: LDS });
    const l = await s.next();
    expect([c.type_url, l.type_url]).toEqual([CDS, LDS]);
    ack(s, l);
    await eventually(() => h.server.syncStatus().find((r) => r.type === 'LDS')?.pending === false);
    expect(h.server.syncStatus().find((r) => r.type === 'CDS')).toMatchObject({ pending: true, versionAcked: '' });
  });
});
