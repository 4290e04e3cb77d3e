// Stages 2 and 3 with held objects: translate, publish, and hold what the Envoy translation had to leave out.
import { objectKey, type ResourceSnapshot } from '@tidegate/common';
import { CHECK_FAILED_CODE, type TranslationError } from '@tidegate/translator';
import type { HeldObjects } from './held-objects';
import type { PublishReport, SnapshotPublisher } from './publish';
import type { TranslateSettings, TranslatedState } from './translate';
import { translateHeld } from './translate-held';

export interface HeldPublish {
  state: TranslatedState;
  /** The snapshot translated and published (held objects substituted). */
  translated: ResourceSnapshot;
  report: PublishReport;
}

/**
 * Translates with `held` substituted and publishes. An object whose routes made a group's
 * Envoy configuration fail its checks was published without; if its version is new, it is
 * held at its last valid version and everything translated and published once more (as for
 * the IR checks). Then the objects that passed are recorded as the last valid versions.
 */
export function translateAndPublish(snapshot: ResourceSnapshot, settings: TranslateSettings, held: HeldObjects, publisher: SnapshotPublisher): HeldPublish {
  let result = translateHeld(snapshot, settings, held);
  let report = publisher.publish(result.state.proxyGroups, result.state.failedGroups);
  if (report.leftOut.length) {
    const byKey = new Map(result.translated.objects.map((o) => [objectKey(o.object), o]));
    let again = false;
    for (const l of leftOutErrors(report)) {
      const entry = byKey.get(`${l.object.kind}/${l.object.namespace ?? ''}/${l.object.name}`);
      if (entry) again = held.hold(entry, { code: l.code, path: l.path, message: l.message }, 'valid', result.state.statuses) || again;
    }
    if (again) {
      result = translateHeld(snapshot, settings, held);
      report = publisher.publish(result.state.proxyGroups, result.state.failedGroups);
    }
  }
  const envoyLeftOut = leftOutErrors(report);
  held.passed(result.translated.objects, new Set([...result.leftOut, ...envoyLeftOut.map((e) => `${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`)]), result.flawed);
  const state = envoyLeftOut.length ? { ...result.state, errors: [...result.state.errors, ...withSource(envoyLeftOut, result.translated)] } : result.state;
  return { state, translated: result.translated, report };
}

/** The publisher's left-out objects as errors on those objects. */
function leftOutErrors(report: PublishReport): TranslationError[] {
  return report.leftOut.map((l) => ({
    object: l.origin.ref,
    path: l.origin.field,
    code: CHECK_FAILED_CODE,
    message: `left out: its Envoy configuration failed Tidegate's checks (${l.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`,
  }));
}

function withSource(errors: TranslationError[], snapshot: ResourceSnapshot): TranslationError[] {
  const sources = new Map(snapshot.objects.map((o) => [objectKey(o.object), o.source]));
  return errors.map((e) => {
    const source = sources.get(`${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`);
    return source ? { ...e, source } : e;
  });
}
