// Envoy's rules for a `StringMatcher` and for query parameter names.
import { maxBytesProblem, protoStringProblem } from './proto-string';
import { regexProblem } from './regex';

/** `QueryParameterMatcher.name` limit (protoc-gen-validate `max_bytes`). */
export const MAX_QUERY_NAME_BYTES = 1024;

/**
 * Why Envoy refuses a `StringMatcher` of this kind and value, or undefined: a regex must
 * compile (`regexProblem`), prefix, suffix and contains must not be empty; exact may be anything.
 */
export function stringMatchProblem(type: 'exact' | 'prefix' | 'suffix' | 'contains' | 'regex', value: string): string | undefined {
  if (type === 'regex') return regexProblem(value);
  if (type !== 'exact' && value === '') return `a ${type} match must not be empty`;
  return protoStringProblem(value);
}

/** Why Envoy refuses `name` in a `QueryParameterMatcher`, or undefined. */
export function queryParamNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  return protoStringProblem(name) ?? maxBytesProblem(name, MAX_QUERY_NAME_BYTES);
}
