// Readable reproducers for the fuzz suite: a failing case's files, long runs shortened, and a tally of what ran.
import type { CaseFile, CaseOutcome } from './pipeline';

const MAX_FILE_CHARS = 4000;

/** The files as text a person can read: runs of one character (or one short unit) longer than 40 are shortened. */
export function describeFiles(files: readonly CaseFile[]): string {
  return files
    .map((f) => {
      const text = typeof f.content === 'string' ? f.content : `${f.content.toString('utf8')}  (not UTF-8)`;
      const short = text.replace(/(.{1,4}?)\1{40,}/gs, (run, unit: string) => `${unit}«×${Math.round(run.length / unit.length)}»`);
      return `--- ${f.path} (${text.length} chars)\n${short.length > MAX_FILE_CHARS ? `${short.slice(0, MAX_FILE_CHARS)}\n… (${short.length - MAX_FILE_CHARS} more)` : short}`;
    })
    .join('\n');
}

/**
 * Throws (for fast-check to shrink) when a case broke a property, or took longer than
 * `boundMs` to load, translate and build; the message carries the reproducer.
 */
export function expectNoViolations(outcome: CaseOutcome, files: readonly CaseFile[], boundMs: number): void {
  const violations = [...outcome.violations, ...(outcome.ms > boundMs ? [`took ${Math.round(outcome.ms)} ms (bound ${boundMs} ms)`] : [])];
  if (violations.length === 0) return;
  throw new Error(`${violations.slice(0, 5).join('\n')}\nfiles:\n${describeFiles(files)}`);
}

/** Counts across the suite, for the closing summary line. */
export class Tally {
  cases = 0;
  errors = 0;
  groups = 0;
  envoyValidated = 0;
  slowestMs = 0;

  add(outcome: CaseOutcome): void {
    this.cases++;
    this.errors += outcome.errors.length;
    this.groups += outcome.groups.length;
    this.slowestMs = Math.max(this.slowestMs, outcome.ms);
  }

  line(seed: number): string {
    return (
      `hostile-input: ${this.cases} cases run (seed ${seed}), ${this.errors} user errors reported, ${this.groups} proxy groups built, ` +
      `${this.envoyValidated} validated by envoy --mode validate, slowest case ${Math.round(this.slowestMs)} ms`
    );
  }
}
