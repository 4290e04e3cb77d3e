// SnapshotCache: replace, get, delete, watch and per-type versions.
import { TypeUrl } from '@tidegate/envoy-api';
import { SnapshotCache, type Snapshot } from './snapshot-cache';
import { cla, cluster, resourceSet } from './test-support/resources';
import { setVersion } from './versions';

describe('SnapshotCache', () => {
  it('replaces a group snapshot, shares the resource set and lists groups', () => {
    const cache = new SnapshotCache();
    const first = resourceSet(cluster('a'));
    cache.set('g2', first);
    cache.set('g1', resourceSet());
    expect(cache.get('g2')).toBe(first);
    expect(cache.groups()).toEqual(['g1', 'g2']);
    cache.set('g2', resourceSet(cluster('b')));
    expect([...cache.get('g2')!.get(TypeUrl.Cluster)!.keys()]).toEqual(['b']);
    expect(cache.delete('g2')).toBe(true);
    expect(cache.get('g2')).toBeUndefined();
    expect(cache.groups()).toEqual(['g1']);
  });

  it('notifies only the watchers of the group that changed, and stops when unwatched', () => {
    const cache = new SnapshotCache();
    const seen: string[] = [];
    const stop1 = cache.watch('g1', (s) => seen.push(`1:${s.group}`));
    cache.watch('g2', (s) => seen.push(`2:${s.group}`));
    cache.set('g1', resourceSet());
    stop1();
    cache.set('g1', resourceSet());
    cache.set('g2', resourceSet());
    expect(seen).toEqual(['1:g1', '2:g2']);
    expect(cache.watcherCount()).toBe(1);
  });

  it('keeps notifying the other watchers when one throws', () => {
    const cache = new SnapshotCache();
    let got = 0;
    cache.watch('g', () => {
      throw new Error('boom');
    });
    cache.watch('g', () => got++);
    cache.set('g', resourceSet());
    expect(got).toBe(1);
  });

  it('versions a type by its (name, version) pairs, independent of order', () => {
    const cache = new SnapshotCache();
    const a = cluster('a');
    const b = cluster('b');
    cache.set('g', resourceSet(a, b, cla('a')));
    const s1 = cache.snapshot('g')!;
    cache.set('g', resourceSet(cla('a'), b, a));
    const s2: Snapshot = cache.snapshot('g')!;
    expect(s2.typeVersion(TypeUrl.Cluster)).toBe(s1.typeVersion(TypeUrl.Cluster));
    expect(s1.typeVersion(TypeUrl.Cluster)).toBe(setVersion([a, b]));
    cache.set('g', resourceSet(a, cluster('b', { connectTimeoutMs: 5 })));
    expect(cache.snapshot('g')!.typeVersion(TypeUrl.Cluster)).not.toBe(s1.typeVersion(TypeUrl.Cluster));
    expect(cache.snapshot('g')!.of(TypeUrl.Secret).size).toBe(0);
  });

  it('rejects a resource filed under the wrong type or name', () => {
    const cache = new SnapshotCache();
    const bad = new Map([[TypeUrl.Listener, new Map([['a', cluster('a')]])]]);
    expect(() => cache.set('g', bad)).toThrow(/filed under/);
  });
});
