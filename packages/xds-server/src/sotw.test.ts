// One test per SotW rule of shared/XDS-PROTOCOL.md, driven by a raw gRPC client.
import { TypeUrl } from '@tidegate/envoy-api';
import { GROUP, NODE, eventually, metricValue, startHarness, type Harness } from './test-support/harness';
import { cla, cluster, listener, resourceSet, routeConfig, secret } from './test-support/resources';
import type { SotwResponse, SotwStream } from './test-support/xds-client';
import type { XdsAckEvent } from './types';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;
const SDS = TypeUrl.Secret;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Opens an ADS stream and sends its first request (with node). */
function open(typeUrl: string, names: string[] = []): SotwStream {
  return h.client.sotw().send({ node: NODE, type_url: typeUrl, resource_names: names });
}

/** ACKs `res`, naming `names` (the proxy always repeats its full subscription). */
function ack(s: SotwStream, res: SotwResponse, names: string[] = []): void {
  s.send({ type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: names });
}

function nack(s: SotwStream, res: SotwResponse, appliedVersion: string, message: string, names: string[] = []): void {
  s.send({
    type_url: res.type_url,
    version_info: appliedVersion,
    response_nonce: res.nonce,
    resource_names: names,
    error_detail: { code: 3, message },
  });
}

describe('SotW versions, nonces, ACK and NACK', () => {
  it('version_info is per type and the nonce is per response and does not survive a reconnect', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), listener('l', 'r')));
    const s = open(CDS);
    const c1 = await s.next();
    ack(s, c1); // a new cluster: listeners wait for its CDS ACK
    s.send({ type_url: LDS, resource_names: [] });
    const l1 = await s.next();
    expect([c1.type_url, l1.type_url]).toEqual([CDS, LDS]);
    expect(c1.version_info).not.toBe(l1.version_info);
    expect(c1.nonce).not.toBe(l1.nonce);
    ack(s, l1);
    // Only listeners change: CDS keeps its version and is not resent.
    h.cache.set(GROUP, resourceSet(cluster('a'), listener('l', 'r2')));
    const l2 = await s.next();
    expect(l2.type_url).toBe(LDS);
    expect(l2.nonce).not.toBe(l1.nonce);
    await s.none();
    s.cancel();

    // A new stream knows no nonces: one from the old stream is not stale, the request is served.
    const again = h.client.sotw().send({ node: NODE, type_url: CDS, resource_names: [], response_nonce: c1.nonce, version_info: c1.version_info });
    const c2 = await again.next();
    expect(c2.version_info).toBe(c1.version_info);
    expect(c2.nonce).not.toBe(c1.nonce);
    expect(await metricValue(h.registry, 'tidegate_xds_stale_nonces_total', { type: 'CDS' })).toBe(0);
  });

  it('detects a NACK by error_detail, not by comparing versions', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const s = open(CDS);
    const c1 = await s.next();
    const nacks: XdsAckEvent[] = [];
    const acks: XdsAckEvent[] = [];
    h.server.onNack((e) => nacks.push(e));
    h.server.onAck((e) => acks.push(e));
    // version_info equal to the sent version, but error_detail set: still a NACK.
    nack(s, c1, c1.version_info, 'rejected');
    await eventually(() => nacks.length === 1);
    expect(acks).toEqual([]);
    expect(nacks[0]).toMatchObject({ nodeId: NODE.id, group: GROUP, typeUrl: CDS, version: c1.version_info, message: 'rejected', protocol: 'sotw' });
  });

  it('on a NACK records the error and does not resend the same version; sends again only when the snapshot changes', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const s = open(CDS);
    const v1 = await s.next();
    ack(s, v1);
    const nacks: XdsAckEvent[] = [];
    h.server.onNack((e) => nacks.push(e));

    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: -1000 })));
    const v2 = await s.next();
    nack(s, v2, v1.version_info, 'invalid connect_timeout');
    await eventually(() => nacks.length === 1);
    await s.none(300);
    expect(nacks).toHaveLength(1);
    expect(await metricValue(h.registry, 'tidegate_xds_nacks_total', { type: 'CDS' })).toBe(1);
    const row = h.server.syncStatus().find((r) => r.type === 'CDS')!;
    expect(row).toMatchObject({ versionSent: v2.version_info, versionAcked: v1.version_info, lastNack: { version: v2.version_info, message: 'invalid connect_timeout' } });
    expect(row.lastNack!.at).toBeInstanceOf(Date);

    // Setting the same (rejected) content again is no change.
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: -1000 })));
    await s.none();

    // The fix changes the content, so the version moves on: never the rejected one again.
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 250 })));
    const v3 = await s.next();
    expect(v3.version_info).not.toBe(v2.version_info);
    expect(v3.version_info).not.toBe(v1.version_info);
    ack(s, v3);
    await eventually(() => h.server.syncStatus().find((r) => r.type === 'CDS')?.versionAcked === v3.version_info);
  });

  it('always bumps the version after a fix, even when the fix restores the last accepted content', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b')));
    const s = open(CDS);
    const v1 = await s.next();
    ack(s, v1);
    // Partly bad: the proxy may apply "a" and keep the old "b", while reporting v1.
    h.cache.set(GROUP, resourceSet(cluster('a', { connectTimeoutMs: 10 }), cluster('b', { connectTimeoutMs: -1000 })));
    const v2 = await s.next();
    nack(s, v2, v1.version_info, 'b is invalid');
    await s.none();
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b')));
    const v3 = await s.next();
    expect(v3.names.sort()).toEqual(['a', 'b']);
    expect(v3.version_info).not.toBe(v1.version_info);
    expect(v3.version_info).not.toBe(v2.version_info);
    ack(s, v3);
    // Once accepted, versions are plain content hashes again.
    h.cache.set(GROUP, resourceSet(cluster('a')));
    const v4 = await s.next();
    expect(v4.version_info).toBe(h.cache.snapshot(GROUP)!.typeVersion(CDS));
  });

  it('ignores requests with a stale response_nonce and counts them', async () => {
    h.cache.set(GROUP, resourceSet(cla('a'), cla('b')));
    const s = open(EDS, ['a']);
    const r1 = await s.next();
    h.cache.set(GROUP, resourceSet(cla('a', [['127.0.0.1', 10]]), cla('b')));
    const r2 = await s.next();
    // Answers r1, already superseded by r2: the new name in it is not applied.
    ack(s, r1, ['a', 'b']);
    await s.none();
    expect(await metricValue(h.registry, 'tidegate_xds_stale_nonces_total', { type: 'EDS' })).toBe(1);
    expect(h.server.syncStatus()[0]).toMatchObject({ versionAcked: '', pending: true });
    ack(s, r2, ['a', 'b']);
    expect((await s.next()).names).toEqual(['a', 'b']);
  });

  it('sends only on change', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a'), listener('l', 'r')));
    const s = open(CDS);
    ack(s, await s.next());
    s.send({ type_url: EDS, resource_names: ['a'] });
    ack(s, await s.next(), ['a']);
    s.send({ type_url: LDS, resource_names: [] });
    ack(s, await s.next());
    const before = await metricValue(h.registry, 'tidegate_xds_pushes_total', { type: 'CDS' });

    // An equal snapshot (new objects, same content) sends nothing.
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a'), listener('l', 'r')));
    await s.none();
    // A change to endpoints alone sends EDS alone.
    h.cache.set(GROUP, resourceSet(cluster('a'), cla('a', [['127.0.0.1', 99]]), listener('l', 'r')));
    const e = await s.next();
    expect(e.type_url).toBe(EDS);
    await s.none();
    expect(await metricValue(h.registry, 'tidegate_xds_pushes_total', { type: 'CDS' })).toBe(before);
  });
});

describe('SotW subscriptions', () => {
  it('LDS and CDS are wildcard for an empty list or "*"; empty means wildcard only until a name is requested', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b')));
    const legacy = open(CDS, []);
    const star = open(CDS, ['*']);
    const named = open(CDS, ['a']);
    expect((await legacy.next()).names.sort()).toEqual(['a', 'b']);
    expect((await star.next()).names.sort()).toEqual(['a', 'b']);
    const n1 = await named.next();
    expect(n1.names).toEqual(['a']);
    // Having named a resource, an empty list now means "nothing", not "everything".
    ack(named, n1, []);
    await named.none(); // also lets the ACK arrive before the next set
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b'), cluster('c')));
    expect((await legacy.next()).names.sort()).toEqual(['a', 'b', 'c']);
    expect((await star.next()).names.sort()).toEqual(['a', 'b', 'c']);
    await named.none();
  });

  it('RDS, EDS and SDS are named, and a newly requested name is sent again even if it was sent before', async () => {
    h.cache.set(GROUP, resourceSet(cla('a'), secret('s'), routeConfig('r', 'a')));
    const s = open(EDS, ['a']);
    const e1 = await s.next();
    expect(e1.names).toEqual(['a']);
    ack(s, e1, []); // the cluster went away
    await s.none();
    ack(s, e1, ['a']); // and came back: the proxy no longer has its endpoints
    expect((await s.next()).names).toEqual(['a']);

    s.send({ type_url: SDS, resource_names: ['s'] });
    expect(await s.next()).toMatchObject({ type_url: SDS, names: ['s'] });
    s.send({ type_url: TypeUrl.RouteConfiguration, resource_names: ['r'] });
    expect(await s.next()).toMatchObject({ type_url: TypeUrl.RouteConfiguration, names: ['r'] });
  });

  it('remembers a requested name that does not exist yet and sends it when it appears', async () => {
    h.cache.set(GROUP, resourceSet());
    const s = open(EDS, ['later']);
    await s.none();
    h.cache.set(GROUP, resourceSet(cla('other')));
    await s.none();
    h.cache.set(GROUP, resourceSet(cla('later')));
    expect((await s.next()).names).toEqual(['later']);
  });

  it('does not withhold a whole response because one requested name is missing', async () => {
    h.cache.set(GROUP, resourceSet(cla('a')));
    const s = open(EDS, ['a', 'missing']);
    expect((await s.next()).names).toEqual(['a']);
  });
});

describe('SotW response contents', () => {
  it('LDS and CDS responses always carry the full set, and an empty response deletes all', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b')));
    const s = open(CDS);
    const r1 = await s.next();
    ack(s, r1);
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b', { connectTimeoutMs: 3000 })));
    const r2 = await s.next();
    expect(r2.names.sort()).toEqual(['a', 'b']);
    ack(s, r2);
    h.cache.set(GROUP, resourceSet());
    const r3 = await s.next();
    expect(r3.names).toEqual([]);
    expect(r3.version_info).not.toBe(r2.version_info);
  });

  it('RDS and EDS responses carry only the requested resources', async () => {
    h.cache.set(GROUP, resourceSet(cla('a'), cla('b'), cla('c')));
    const s = open(EDS, ['a']);
    const r1 = await s.next();
    expect(r1.names).toEqual(['a']);
    ack(s, r1, ['a']);
    h.cache.set(GROUP, resourceSet(cla('a'), cla('b'), cla('c', [['127.0.0.1', 1234]])));
    await s.none();
  });

  it('drains a cluster by sending its ClusterLoadAssignment with no endpoints, not by omitting it', async () => {
    h.cache.set(GROUP, resourceSet(cla('a')));
    const s = open(EDS, ['a']);
    const r1 = await s.next();
    ack(s, r1, ['a']);
    h.cache.set(GROUP, resourceSet(cla('a', [])));
    const r2 = await s.next();
    expect(r2.names).toEqual(['a']);
    expect(r2.resources[0]!.object.endpoints).toBeUndefined();
  });

  it('never puts the same name twice in one response', async () => {
    h.cache.set(GROUP, resourceSet(cluster('a'), cluster('b'), cla('a')));
    const c = open(CDS, ['*', 'a', 'a']);
    expect((await c.next()).names.sort()).toEqual(['a', 'b']);
    const e = open(EDS, ['a', 'a']);
    expect((await e.next()).names).toEqual(['a']);
  });
});
