// Stage 3: IR → encoded Envoy resources → snapshot cache, keeping the last good snapshot.
import { getLogger, type Issue } from '@tidegate/common';
import type { ResourceSet } from '@tidegate/envoy-api';
import { shareUnchanged, type ProxyGroup } from '@tidegate/ir';
import { buildResourceSet, originKey, translateProxyGroup, type EnvoyTranslateOptions, type RouteOrigin } from '@tidegate/translator';
import type { SnapshotCache } from '@tidegate/xds-server';
import type { Metrics } from '../admin/metrics';
import { isolateEnvoyFailure } from './envoy-isolation';

const log = getLogger('publisher');

export interface PublishReport {
  published: string[];
  unchanged: string[];
  removed: string[];
  /** Groups whose new config failed checks; they keep serving their previous snapshot. */
  failed: Array<{ group: string; issues: Issue[] }>;
  /** Objects whose routes made a group's Envoy config fail its checks: the group was published without them. */
  leftOut: Array<{ group: string; origin: RouteOrigin; issues: Issue[] }>;
}

/**
 * Remembers the IR last published per group. A new translation is first made to share
 * every unchanged part with it (`shareUnchanged`): an unchanged group is then the same
 * object and costs nothing, and in a changed one the Envoy translation and encoding
 * redo only the virtual hosts and backends that changed (they cache by identity).
 */
export class SnapshotPublisher {
  private readonly lastIr = new Map<string, ProxyGroup>();

  constructor(
    private readonly cache: SnapshotCache,
    private readonly metrics: Metrics,
    private readonly translateOptions: EnvoyTranslateOptions = {},
  ) {}

  /**
   * Publishes `groups`; a group missing from them is removed, unless `failedGroups` names it:
   * a group is never taken off the air because its translation failed.
   */
  publish(groups: ProxyGroup[], failedGroups: readonly string[] = []): PublishReport {
    const report: PublishReport = { published: [], unchanged: [], removed: [], failed: [], leftOut: [] };
    const seen = new Set<string>(failedGroups);
    for (const translated of groups) {
      seen.add(translated.name);
      const previous = this.lastIr.get(translated.name);
      const group = shareUnchanged(previous, translated);
      if (group === previous) {
        report.unchanged.push(group.name);
        continue;
      }
      const built = this.build(group);
      if (!built.ok) {
        this.metrics.systemErrors.inc({ stage: 'envoy-translation' });
        // Leave out only the objects whose routes cause it; the rest of the group is published.
        const isolated = isolateEnvoyFailure(group, previous, (g) => this.build(g));
        if (isolated) {
          log.error({ group: group.name, objects: isolated.culprits.map((c) => originKey(c.origin)), issues: built.issues }, 'generated Envoy config failed checks; publishing without the objects that cause it');
          for (const c of isolated.culprits) report.leftOut.push({ group: group.name, ...c });
          this.cache.set(group.name, isolated.resources);
          this.lastIr.set(group.name, isolated.group);
          report.published.push(group.name);
          continue;
        }
        log.error({ group: group.name, issues: built.issues }, 'generated Envoy config failed checks; keeping the last good snapshot');
        report.failed.push({ group: group.name, issues: built.issues });
        continue;
      }
      this.cache.set(group.name, built.value);
      this.lastIr.set(group.name, group);
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
      return buildResourceSet(translateProxyGroup(group, this.translateOptions));
    } catch (err) {
      return { ok: false, issues: [{ code: 'translator-crash', path: group.name, message: String((err as Error).stack ?? err) }] };
    }
  }
}
