// MergeOrder must give exactly what a full sort gives, whatever came and went since last time.
import { sortObjects } from '../object-order';
import { MergeOrder } from './merge-order';
import type { LoadedObject } from './parse-file';

const loaded = (kind: string, name: string, namespace?: string): LoadedObject => ({
  object: { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
  source: { file: 'f.yaml', document: 0 },
  line: 1,
  column: 1,
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('MergeOrder', () => {
  it('matches a full sort through a series of additions, removals and replacements', () => {
    const rnd = random(7);
    const kinds = ['Ingress', 'Service', 'EndpointSlice', 'Gateway'];
    const make = () => loaded(kinds[Math.floor(rnd() * kinds.length)]!, `n${Math.floor(rnd() * 400)}`, rnd() < 0.2 ? undefined : `ns${Math.floor(rnd() * 3)}`);
    const byKey = new Map<string, LoadedObject>();
    const keyOf = (o: LoadedObject) => `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`;
    const order = new MergeOrder();
    for (let round = 0; round < 60; round++) {
      // Mostly small edits (the patch path); every 10th round a large one (the full-sort path).
      const edits = round % 10 === 9 ? 600 : 1 + Math.floor(rnd() * 5);
      for (let e = 0; e < edits; e++) {
        const o = make();
        if (rnd() < 0.3) byKey.delete(keyOf(o));
        else byKey.set(keyOf(o), o); // a replacement is a new object under the same key
      }
      const objects = [...byKey.values()].sort(() => rnd() - 0.5); // any input order
      expect(order.order(objects)).toEqual(sortObjects(objects));
    }
  });

  it('returns the same order for the same objects', () => {
    const objects = [loaded('Service', 'b', 'x'), loaded('Service', 'a', 'x'), loaded('Gateway', 'g')];
    const order = new MergeOrder();
    const first = order.order(objects);
    expect(order.order([...objects].reverse())).toEqual(first);
    expect(first.map((o) => o.object.metadata.name)).toEqual(['g', 'a', 'b']);
  });
});
