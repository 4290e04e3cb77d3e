// Regex checks done before IR validation, so a bad pattern drops one rule instead of a whole Gateway.

/**
 * Why a pattern cannot be used, or undefined. Uses the same check as IR
 * validation (JavaScript RegExp); Envoy itself uses RE2, which rejects
 * look-arounds and backreferences, so those are refused here too.
 */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (err) {
    return (err as Error).message;
  }
  if (/\(\?<?[=!]/.test(pattern)) return 'look-around assertions are not supported (Envoy uses RE2)';
  if (/\\[1-9]/.test(pattern)) return 'backreferences are not supported (Envoy uses RE2)';
  return undefined;
}
