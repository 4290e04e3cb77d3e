// Stage 2 with held objects: an object whose new version fails Tidegate's checks, or has a mistake in its own fields, keeps its last valid version serving.
import { objectKey, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import { CHECK_FAILED_CODE, type TranslationError } from '@tidegate/translator';
import type { HeldObjects } from './held-objects';
import { isOwnSpecError } from './own-spec-errors';
import { translateResources, type TranslateSettings, type TranslatedState } from './translate';

/** What was translated: the state users see, and the snapshot it was made from (held objects substituted). */
export interface HeldTranslation {
  state: TranslatedState;
  /** The snapshot actually translated (and so published). */
  translated: ResourceSnapshot;
  /** Keys of the objects the translators left out for failing the checks (see `HeldObjects.passed`). */
  leftOut: Set<string>;
  /** Keys of the objects translated with mistakes in their own fields (no clean version to hold them at). */
  flawed: Set<string>;
}

/** Holding an object can only bring back a version that passed before, so two rounds settle; three is a bound. */
const MAX_ROUNDS = 3;

/**
 * Translates `snapshot` with `held` substituted. The translators leave out what fails the
 * IR checks (naming the object); an object left out so whose version changed is then held at
 * its last valid version and the snapshot translated again, so a one-word mistake in a
 * route's new version does not take its old version off the air. Likewise an object whose
 * new version has a mistake in its own fields that the translators work around by dropping
 * part of it (`protocol: HTTPX` on a listener, a rule with a bad regex) is held at its last
 * version without one, while its errors and status describe the new version.
 */
export function translateHeld(snapshot: ResourceSnapshot, settings: TranslateSettings, held: HeldObjects): HeldTranslation {
  let translated = held.substitute(snapshot);
  let state = translateResources(translated, settings);
  for (let round = 1; round < MAX_ROUNDS; round++) {
    const failed = leftOut(state, translated);
    let more = false;
    for (const [entry, error] of failed) {
      more = held.hold(entry, { code: error.code, path: error.path, message: error.message }, 'valid', state.statuses) || more;
    }
    for (const [entry, errors] of ownSpecFlaws(state, translated)) {
      if (!failed.has(entry)) more = held.holdInvalid(entry, errors, state.statuses) || more;
    }
    if (!more) break;
    translated = held.substitute(snapshot);
    state = translateResources(translated, settings);
  }
  const left = new Set([...leftOut(state, translated).keys()].map((e) => objectKey(e.object)));
  const flawed = new Set([...ownSpecFlaws(state, translated).keys()].map((e) => objectKey(e.object)));
  return { state: held.decorate(state), translated, leftOut: left, flawed };
}

/** Objects translated with at least one mistake in their own fields, with every error on them. */
function ownSpecFlaws(state: TranslatedState, snapshot: ResourceSnapshot): Map<SourcedObject, TranslationError[]> {
  const out = new Map<SourcedObject, TranslationError[]>();
  const keys = new Set(state.errors.filter(isOwnSpecError).map(errorKey));
  if (keys.size === 0) return out;
  const byKey = new Map(snapshot.objects.map((o) => [objectKey(o.object), o]));
  for (const e of state.errors) {
    const entry = keys.has(errorKey(e)) ? byKey.get(errorKey(e)) : undefined;
    if (entry) out.set(entry, [...(out.get(entry) ?? []), e]);
  }
  return out;
}

const errorKey = (e: TranslationError): string => `${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`;

/** Objects the translators left out because what they became failed the checks, with the first such error. */
function leftOut(state: TranslatedState, snapshot: ResourceSnapshot): Map<SourcedObject, TranslatedState['errors'][number]> {
  const out = new Map<SourcedObject, TranslatedState['errors'][number]>();
  const failing = state.errors.filter((e) => e.code === CHECK_FAILED_CODE);
  if (failing.length === 0) return out;
  const byKey = new Map(snapshot.objects.map((o) => [objectKey(o.object), o]));
  for (const e of failing) {
    const entry = byKey.get(`${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`);
    if (entry && !out.has(entry)) out.set(entry, e);
  }
  return out;
}
