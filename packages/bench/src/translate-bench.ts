// Translation throughput: IR → Envoy resources → checked, encoded snapshot.
import { buildResourceSet, translateProxyGroup } from '@tidegate/translator';
import { syntheticProxyGroup } from './generate';
import { median, record, timeRuns } from './report';

export function benchTranslate(): void {
  for (const [routes, clusters, target] of [
    [1_000, 1_000, 100],
    [10_000, 5_000, 1_000],
  ] as const) {
    const group = syntheticProxyGroup(routes, clusters);
    const times = timeRuns(() => {
      const built = buildResourceSet(translateProxyGroup(group));
      if (!built.ok) throw new Error(`benchmark config failed checks: ${JSON.stringify(built.issues.slice(0, 3))}`);
    }, 5, 3);
    record({ name: `translate+encode ${routes} routes / ${clusters} clusters (median of 5, after 3 warm-up runs)`, value: median(times), unit: 'ms', target });
  }
}
