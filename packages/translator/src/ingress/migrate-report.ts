// The migration report: per Ingress and annotation, how well Tidegate covers what is there today.
import type { SourcedObject } from '@tidegate/common';
import type { TranslationError } from '../resources';
import { classifyKey } from './annotations/registry';
import { NO_CLASS, ingressClassOf } from './ingress-class';
import { translateIngress } from './translate';
import type { AnnotationFinding, IngressTranslateOptions } from './types';

export interface MigrationReport {
  ingresses: Array<{ namespace: string; name: string; findings: AnnotationFinding[]; problems: string[] }>;
  counts: { ingresses: number; annotations: number; supported: number; partly: number; unsupported: number; invalid: number; problems: number };
  /** The reported Ingresses by the class they name (`(none)`: no class). */
  classes: Record<string, number>;
  /** With `ingressClass`: the Ingresses left out because they name another class, by class. */
  otherClasses: Record<string, number>;
  /** The report as printed by `tidegate migrate-report`. */
  text: string;
  /** 0 when there is at least one Ingress and everything is supported, 1 otherwise. */
  exitCode: 0 | 1;
}

export interface MigrationReportOptions {
  /** Report only the Ingresses this class (as `--ingress-class` would take them); default every class. */
  ingressClass?: string;
}

/** Errors that say an Ingress itself cannot move as it is (not its references, which the files may not include). */
const BLOCKING = new Set(['unsupported-backend', 'unknown-field', 'invalid-type', 'invalid-value', 'missing-field', 'unsupported-version', 'invalid-host', 'invalid-path', 'out-of-range']);

const OPTIONS: IngressTranslateOptions = {
  ingressClass: 'tidegate',
  controllerName: 'tidegate.io/ingress-controller',
  gateway: { name: 'migrate-report', address: '127.0.0.1', httpPort: 80, httpsPort: 443 },
  allClasses: true,
};

const LABEL: Record<AnnotationFinding['support'], string> = {
  supported: 'supported',
  partly: 'partly supported',
  unsupported: 'unsupported',
  invalid: 'invalid value',
};

/**
 * Reads every Ingress in `objects`, whatever its class (they belong to ingress-nginx or
 * Higress today), and says for each annotation whether Tidegate supports it, partly (and
 * what differs) or not (and why). Services and Secrets the files lack are not counted.
 */
export function migrationReport(objects: readonly SourcedObject[], options: MigrationReportOptions = {}): MigrationReport {
  const result = translateIngress(objects, options.ingressClass ? { ...OPTIONS, ingressClass: options.ingressClass, allClasses: false } : OPTIONS);
  const otherClasses = result.otherClasses ?? {};
  const byIngress = new Map<string, MigrationReport['ingresses'][number]>();
  const entry = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    let e = byIngress.get(key);
    if (!e) byIngress.set(key, (e = { namespace, name, findings: [], problems: [] }));
    return e;
  };
  for (const s of result.statuses) entry(s.namespace ?? 'default', s.name);
  for (const f of result.annotationReport) {
    // Missing Secrets / Services are the files' business, not the annotation's.
    if (f.support === 'invalid' && referenceOnly(result.errors, f)) {
      const message = f.message.replace(/^cannot be used: ([^;]*); (.*)$/, '$2 (not checked: $1 in the files given)');
      entry(f.ingress.namespace, f.ingress.name).findings.push({ ...f, support: defLevel(f), message });
    }
    else entry(f.ingress.namespace, f.ingress.name).findings.push(f);
  }
  for (const e of result.errors) {
    if (e.object.kind !== 'Ingress' || !BLOCKING.has(e.code)) continue;
    entry(e.object.namespace ?? 'default', e.object.name).problems.push(`${e.path || '<object>'}: ${e.message}`);
  }
  const ingresses = [...byIngress.values()].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  const classes: Record<string, number> = {};
  for (const o of objects) {
    if (o.object.kind !== 'Ingress' || !byIngress.has(`${o.object.metadata.namespace ?? 'default'}/${o.object.metadata.name}`)) continue;
    const named = ingressClassOf(o.object) ?? NO_CLASS;
    classes[named] = (classes[named] ?? 0) + 1;
  }
  const all = ingresses.flatMap((i) => i.findings);
  const counts = {
    ingresses: ingresses.length,
    annotations: all.length,
    supported: all.filter((f) => f.support === 'supported').length,
    partly: all.filter((f) => f.support === 'partly').length,
    unsupported: all.filter((f) => f.support === 'unsupported').length,
    invalid: all.filter((f) => f.support === 'invalid').length,
    problems: ingresses.reduce((n, i) => n + i.problems.length, 0),
  };
  const lines: string[] = [];
  for (const i of ingresses) {
    lines.push(`Ingress ${i.namespace}/${i.name}`);
    if (i.findings.length === 0 && i.problems.length === 0) lines.push('  no ingress-nginx or Higress annotations');
    for (const f of i.findings) lines.push(`  ${LABEL[f.support].padEnd(16)} ${f.annotation}=${JSON.stringify(f.value)}: ${f.message}`);
    for (const p of i.problems) lines.push(`  ${'not supported'.padEnd(16)} ${p}`);
  }
  const total = `${counts.ingresses} Ingress${counts.ingresses === 1 ? '' : 'es'}, ${counts.annotations} annotation${counts.annotations === 1 ? '' : 's'}: ${counts.supported} supported, ${counts.partly} partly supported, ${counts.unsupported} unsupported, ${counts.invalid} invalid${counts.problems ? `; ${counts.problems} other problem${counts.problems === 1 ? '' : 's'}` : ''}`;
  lines.push('');
  if (counts.ingresses === 0) lines.push('no Ingress to report in the files given');
  else lines.push(`by class: ${byCount(classes)}`);
  const others = Object.values(otherClasses).reduce((n, c) => n + c, 0);
  if (others) lines.push(`${others} Ingress${others === 1 ? '' : 'es'} of another class not reported: ${byCount(otherClasses)}`);
  lines.push(total);
  const clean = counts.ingresses > 0 && counts.partly + counts.unsupported + counts.invalid + counts.problems === 0;
  return { ingresses, counts, classes, otherClasses, text: lines.join('\n') + '\n', exitCode: clean ? 0 : 1 };
}

/** `nginx 3, (none) 1`: most first. */
function byCount(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

/** The registry's level of a finding's annotation. */
function defLevel(f: AnnotationFinding): AnnotationFinding['support'] {
  const c = classifyKey(f.annotation, { [f.annotation]: f.value });
  return c.known ? c.def.support : 'unsupported';
}

/** Whether the finding is invalid only because something it names is missing from the files. */
function referenceOnly(errors: TranslationError[], f: AnnotationFinding): boolean {
  const path = `metadata.annotations[${JSON.stringify(f.annotation)}]`;
  const mine = errors.filter((e) => e.object.kind === 'Ingress' && e.object.namespace === f.ingress.namespace && e.object.name === f.ingress.name && e.path === path);
  return mine.length > 0 && mine.every((e) => e.code === 'annotation-reference' && / not found$/.test(e.message));
}
