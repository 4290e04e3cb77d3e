// NACK attribution over a real xDS server with two proxies in one group: the object whose change is rejected is found and held, the other one's change flows.
import { TypeUrl } from '@tidegate/envoy-api';
import type { KubeObject, ResourceSnapshot, SourcedObject } from '@tidegate/common';
import { GROUP, startHarness, type Harness } from '../../../xds-server/src/test-support/harness';
import { cluster, resourceSet } from '../../../xds-server/src/test-support/resources';
import type { SotwStream } from '../../../xds-server/src/test-support/xds-client';
import { HeldObjects } from './held-objects';
import { RejectionTracker } from './rejections';

const obj = (name: string, version: string): SourcedObject => ({
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { version } } as KubeObject,
  source: { file: `${name}.yaml` },
});

/** One cluster per object, named after its content: a proxy below rejects clusters named `*-bad`. */
const clusterOf = (o: SourcedObject): string => `${o.object.metadata.name}-${(o.object as unknown as { data: { version: string } }).data.version}`;

/** A proxy of GROUP that answers every CDS response: NACK when `rejects` says so, else ACK. */
async function proxy(h: Harness, id: string, rejects: (names: string[]) => boolean): Promise<{ seen: string[][]; stop(): void }> {
  const stream: SotwStream = h.client.sotw();
  const seen: string[][] = [];
  let stopped = false;
  stream.send({ node: { id, cluster: GROUP }, type_url: TypeUrl.Cluster, resource_names: [] });
  void (async () => {
    let acked = '';
    while (!stopped) {
      const res = await stream.next(60_000).catch(() => undefined);
      if (!res) return;
      seen.push(res.names);
      const nack = rejects(res.names);
      if (!nack) acked = res.version_info;
      stream.send({ type_url: TypeUrl.Cluster, resource_names: [], response_nonce: res.nonce, version_info: acked, ...(nack ? { error_detail: { message: `cluster ${res.names.find((n) => n.endsWith('-bad'))} is bad` } } : {}) });
    }
  })();
  return { seen, stop: () => ((stopped = true), stream.cancel()) };
}

jest.setTimeout(30_000);

let h: Harness;
afterEach(async () => h?.close());

it('holds only the object whose change one of the group\'s proxies rejects, and accepts once every proxy ACKs', async () => {
  h = await startHarness();
  const held = new HeldObjects();
  let snapshot: ResourceSnapshot = { objects: [obj('a', 'v1'), obj('b', 'v1')], errors: [] };
  let translated = snapshot;
  const tracker = new RejectionTracker(h.server, held, {
    current: () => ({ translated, statuses: [] }),
    reapply: () => apply(),
  });
  const apply = () => {
    translated = held.substitute(snapshot);
    h.cache.set(GROUP, resourceSet(...translated.objects.map((o) => cluster(clusterOf(o)))));
    tracker.published();
  };
  apply();
  const picky = await proxy(h, 'picky', (names) => names.some((n) => n.endsWith('-bad')));
  const easy = await proxy(h, 'easy', () => false);
  const until = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: held ${JSON.stringify(held.list().map((x) => [x.key, x.message]))}, sync ${JSON.stringify(h.server.syncStatus())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until('the first version to be accepted by both', () => held.unacked(snapshot.objects).length === 0);

  // Both objects change in one snapshot; only b's new version is rejected, by one of the two proxies.
  snapshot = { objects: [obj('a', 'v2'), obj('b', 'bad')], errors: [] };
  apply();
  await until('b to be found', () => held.list().length === 1 && held.list()[0]?.message.includes('(proxy picky, CDS): cluster b-bad is bad') === true && !/finding which|re-admitted/.test(held.list()[0]?.message ?? ''));
  // a's new version is accepted (b, held, is not a suspect any more).
  await until('the held configuration to be accepted', () => held.unacked(snapshot.objects).length === 0);
  expect(held.list().map((x) => [x.key, x.fallback && clusterOf(x.fallback)])).toEqual([['ConfigMap/default/b', 'b-v1']]);
  expect([...(h.cache.get(GROUP)?.get(TypeUrl.Cluster)?.keys() ?? [])].sort()).toEqual(['a-v2', 'b-v1']);
  expect(tracker.errors()).toEqual([]);
  // Both proxies were last sent the accepted set.
  expect([picky.seen.at(-1), easy.seen.at(-1)].map((n) => [...(n ?? [])].sort())).toEqual([['a-v2', 'b-v1'], ['a-v2', 'b-v1']]);

  // Fixed: the hold ends and the new version is served and accepted.
  snapshot = { objects: [obj('a', 'v2'), obj('b', 'v3')], errors: [] };
  apply();
  await until('the fix to be accepted', () => held.list().length === 0 && held.unacked(snapshot.objects).length === 0);
  picky.stop();
  easy.stop();
  tracker.close();
});
