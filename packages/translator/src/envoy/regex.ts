// RE2 matchers. No engine or max_program_size: Envoy's default RE2 engine applies, with the program-size limit Tidegate's bootstraps set.
export { escapeRegex } from '@tidegate/ir';

/** A `RegexMatcher`; the IR checked the pattern with @tidegate/ir's `regexProblem`. */
export function safeRegex(regex: string): { regex: string } {
  return { regex };
}
