// Rules every string bound for Envoy meets: proto3 UTF-8 and protoc-gen-validate's header-safe pattern.

// With the u flag a pair is one code point above U+FFFF, so only a lone half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a string cannot travel in an Envoy proto, or undefined. proto3 `string` fields must be
 * UTF-8; a JavaScript string with a lone surrogate half encodes to bytes Envoy's parser refuses,
 * which NACKs the whole resource.
 */
export function protoStringProblem(text: string): string | undefined {
  return LONE_SURROGATE.test(text) ? 'contains a lone UTF-16 surrogate, which is not valid UTF-8' : undefined;
}

const NUL_CR_LF = /[\0\r\n]/;

/**
 * Why `text` fails protoc-gen-validate's `well_known_regex: HTTP_HEADER_NAME` or
 * `HTTP_HEADER_VALUE` with `strict: false` (the only form Envoy uses: header names and values,
 * domains, redirect and rewrite targets, regex substitutions): no NUL, CR or LF.
 */
export function headerSafeProblem(text: string): string | undefined {
  const bad = NUL_CR_LF.exec(text)?.[0];
  if (bad !== undefined) return `must not contain ${bad === '\0' ? 'NUL' : bad === '\r' ? 'CR' : 'LF'} characters`;
  return protoStringProblem(text);
}

/** Why `text` is longer than a `max_bytes` rule allows (UTF-8 bytes, as protoc-gen-validate counts). */
export function maxBytesProblem(text: string, max: number): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > max ? `is ${bytes} bytes long; Envoy allows at most ${max}` : undefined;
}
