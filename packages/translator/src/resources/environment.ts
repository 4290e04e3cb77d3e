// What a translation cache's memory depends on besides the objects it remembers things for.
import type { KubeObject, SourcedObject } from '@tidegate/common';

/**
 * The objects (by identity, in order) and settings a translator's remembered results were
 * made with. Providers hand over unchanged objects as the same objects, so comparing
 * identities is cheap and exact.
 */
export class TranslationEnvironment {
  private objects: KubeObject[] = [];
  private settings = '';

  /**
   * Records the environment of a new translation: the objects `relevant` keeps, and
   * `settings` (plain data). True when both are what they were for the previous one.
   */
  update(objects: readonly SourcedObject[], relevant: (o: KubeObject) => boolean, settings: unknown): boolean {
    const next: KubeObject[] = [];
    for (const o of objects) if (relevant(o.object)) next.push(o.object);
    const text = JSON.stringify(settings);
    const same = text === this.settings && next.length === this.objects.length && next.every((o, i) => o === this.objects[i]);
    this.objects = next;
    this.settings = text;
    return same;
  }

  /** Forgets the recorded environment: the next `update` reports a change. */
  reset(): void {
    this.objects = [];
    this.settings = '';
  }
}
