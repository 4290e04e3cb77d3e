// Logs configuration findings when they appear, change or go away, not again on every translation.
import type { Logger } from '@tidegate/common';
import type { TranslatedState } from './translate';

/** One thing worth a log line about the current configuration. */
export interface Finding {
  /** What it is about: the same id in the next translation is the same finding. */
  id: string;
  level: 'warn' | 'info';
  fields: Record<string, unknown>;
  message: string;
  /** Logged (at info) when the finding is gone; none: it goes quietly. */
  resolved?: string;
}

/**
 * Remembers what it logged. A finding is logged when it first appears and again when its
 * message or fields change; one that disappears is forgotten (and logged as resolved), so
 * it is logged again if it comes back.
 */
export class FindingLog {
  /** By finding id: what was logged for it (one id may carry several messages, e.g. two problems at one field). */
  private logged = new Map<string, { finding: Finding; texts: Set<string> }>();

  constructor(private readonly log: Logger) {}

  /** Logs what is new or changed since the last call, and what went away. */
  update(findings: readonly Finding[]): void {
    const next = new Map<string, { finding: Finding; texts: Set<string> }>();
    for (const f of findings) {
      const text = JSON.stringify([f.level, f.fields, f.message]);
      const entry = next.get(f.id) ?? { finding: f, texts: new Set<string>() };
      next.set(f.id, entry);
      if (entry.texts.has(text)) continue;
      entry.texts.add(text);
      if (!this.logged.get(f.id)?.texts.has(text)) this.log[f.level](f.fields, f.message);
    }
    for (const [id, { finding }] of this.logged) {
      if (!next.has(id) && finding.resolved) this.log.info(finding.fields, finding.resolved);
    }
    this.logged = next;
  }
}

/** What a translation says that deserves a log line: every configuration error, and Ingresses of other classes left alone. */
export function configFindings(state: TranslatedState): Finding[] {
  const out: Finding[] = state.errors.map((e) => ({
    id: JSON.stringify([e.object.kind, e.object.namespace, e.object.name, e.path, e.code]),
    level: 'warn',
    fields: { object: e.object, file: e.source?.file, path: e.path, code: e.code },
    message: e.message,
    resolved: `resolved: ${e.message}`,
  }));
  const others = state.ingressOtherClasses ?? {};
  const count = Object.values(others).reduce((n, c) => n + c, 0);
  if (count > 0) {
    out.push({
      id: 'ingress-other-classes',
      level: 'info',
      fields: { otherClasses: others },
      message: `${count} Ingress${count === 1 ? '' : 'es'} of another class left alone (not served by this --ingress-class)`,
    });
  }
  return out;
}
