// Envoy's rules for header names and values: in matches, in added, set and removed headers.
import { headerSafeProblem, maxBytesProblem } from './proto-string';

/** `HeaderValue.key` / `.value` limit (protoc-gen-validate `max_bytes`). */
export const MAX_HEADER_BYTES = 16_384;

/** Why Envoy refuses `name` as a header to match on (`HeaderMatcher.name`), or undefined. */
export function headerNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  return headerSafeProblem(name);
}

/**
 * Why Envoy refuses `name` as a header to remove, or undefined: besides the matcher rules,
 * Envoy will not modify pseudo-headers (`:path`) or `host`, in any case.
 */
export function mutableHeaderNameProblem(name: string): string | undefined {
  const problem = headerNameProblem(name);
  if (problem) return problem;
  if (name.startsWith(':') || name.toLowerCase() === 'host') return `"${name}" cannot be changed: Envoy does not modify pseudo-headers or host`;
  return undefined;
}

/** Why Envoy refuses `name` as a header to add or set, or undefined: a header to remove, at most 16 KiB. */
export function addedHeaderNameProblem(name: string): string | undefined {
  return mutableHeaderNameProblem(name) ?? maxBytesProblem(name, MAX_HEADER_BYTES);
}

/**
 * Why Envoy refuses `value` as a header value to add or set, or undefined. The length limit
 * counts the value as sent, with each `%` doubled (`literalHeaderValue`).
 */
export function headerValueProblem(value: string): string | undefined {
  return headerSafeProblem(value) ?? maxBytesProblem(literalHeaderValue(value), MAX_HEADER_BYTES);
}

/**
 * A literal header value as Envoy must be sent it: Envoy reads `HeaderValue.value` as a
 * substitution format, where `%` starts a command (`50%` is refused), so `%` is doubled.
 */
export function literalHeaderValue(value: string): string {
  return value.replaceAll('%', '%%');
}
