// Validation results: a user's mistake is data, not an exception.

/** One problem found in an input, located by a dotted path. */
export interface Issue {
  /** Stable machine-readable code, e.g. `unknown-field`, `missing-reference`. */
  code: string;
  /** Where the problem is, e.g. `spec.rules[0].backendRefs[1].port`. */
  path: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...issues: Issue[]): Result<T> => ({ ok: false, issues });

/** Formats issues one per line, for logs and CLI output. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path || '<root>'}: ${i.message} [${i.code}]`).join('\n');
}
