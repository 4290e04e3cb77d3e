// Translation throughput: IR → Envoy resources → checked, encoded snapshot.
import { buildResourceSet, translateProxyGroup } from '@tidegate/translator';
import type { ProxyGroup } from '@tidegate/ir';
import { syntheticProxyGroup } from './generate';
import { median, record, timeRuns } from './report';

const RUNS = 5;
const WARMUP = 3;

export function benchTranslate(): void {
  for (const [routes, clusters, target] of [
    [1_000, 1_000, 100],
    [10_000, 5_000, 1_000],
  ] as const) {
    const group = syntheticProxyGroup(routes, clusters);
    // Every run gets its own copy: the Envoy layer caches by IR object, and a benchmark of
    // a full translation must not be served from those caches.
    const copies = Array.from({ length: RUNS + WARMUP }, () => structuredClone(group));
    let next = 0;
    const translate = (g: ProxyGroup) => {
      const built = buildResourceSet(translateProxyGroup(g));
      if (!built.ok) throw new Error(`benchmark config failed checks: ${JSON.stringify(built.issues.slice(0, 3))}`);
    };
    const fresh = timeRuns(() => translate(copies[next++] as ProxyGroup), RUNS, WARMUP);
    record({ name: `translate+encode ${routes} routes / ${clusters} clusters, fresh IR (median of ${RUNS}, after ${WARMUP} warm-up runs)`, value: median(fresh), unit: 'ms', target });
    const again = timeRuns(() => translate(group), RUNS, 1);
    record({ name: `  same IR objects again (per-object caches, as for unchanged hosts)`, value: median(again), unit: 'ms' });
  }
}
