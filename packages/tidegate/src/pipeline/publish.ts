// Stage 3: IR → encoded Envoy resources → snapshot cache, keeping the last good snapshot.
import { getLogger, type Issue } from '@tidegate/common';
import type { ResourceSet } from '@tidegate/envoy-api';
import type { ProxyGroup } from '@tidegate/ir';
import { buildResourceSet, translateProxyGroup } from '@tidegate/translator';
import type { SnapshotCache } from '@tidegate/xds-server';
import type { Metrics } from '../admin/metrics';

const log = getLogger('publisher');

export interface PublishReport {
  published: string[];
  unchanged: string[];
  removed: string[];
  /** Groups whose new config failed checks; they keep serving their previous snapshot. */
  failed: Array<{ group: string; issues: Issue[] }>;
}

/** Remembers the IR last published per group so unchanged groups cost nothing. */
export class SnapshotPublisher {
  private readonly lastIr = new Map<string, string>();

  constructor(
    private readonly cache: SnapshotCache,
    private readonly metrics: Metrics,
  ) {}

  publish(groups: ProxyGroup[]): PublishReport {
    const report: PublishReport = { published: [], unchanged: [], removed: [], failed: [] };
    const seen = new Set<string>();
    for (const group of groups) {
      seen.add(group.name);
      const fingerprint = JSON.stringify(group);
      if (this.lastIr.get(group.name) === fingerprint) {
        report.unchanged.push(group.name);
        continue;
      }
      const built = this.build(group);
      if (!built.ok) {
        this.metrics.systemErrors.inc({ stage: 'envoy-translation' });
        log.error({ group: group.name, issues: built.issues }, 'generated Envoy config failed checks; keeping the last good snapshot');
        report.failed.push({ group: group.name, issues: built.issues });
        continue;
      }
      this.cache.set(group.name, built.value);
      this.lastIr.set(group.name, fingerprint);
      report.published.push(group.name);
    }
    for (const name of [...this.lastIr.keys()]) {
      if (seen.has(name)) continue;
      this.cache.delete(name);
      this.lastIr.delete(name);
      report.removed.push(name);
    }
    return report;
  }

  private build(group: ProxyGroup): { ok: true; value: ResourceSet } | { ok: false; issues: Issue[] } {
    try {
      return buildResourceSet(translateProxyGroup(group));
    } catch (err) {
      return { ok: false, issues: [{ code: 'translator-crash', path: group.name, message: String((err as Error).stack ?? err) }] };
    }
  }
}
