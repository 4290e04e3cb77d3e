// RE2 matchers. No engine or max_program_size: Envoy's default RE2 engine and limits apply.

/** A `RegexMatcher`. */
export function safeRegex(regex: string): { regex: string } {
  return { regex };
}

/** Escapes a literal so it can sit inside an RE2 pattern. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
