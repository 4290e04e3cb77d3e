// Whether Envoy will compile a regex: Google's RE2 itself (node-re2), read the way Envoy reads it.
import RE2 from 're2';
import { protoStringProblem } from './proto-string';
import { re2View } from './re2-view';

const REFUSED = "RE2 (Envoy's regex engine) refuses it: ";
const DUPLICATE_NAMES = 'duplicate capture group name';

const verdicts = new Map<string, string | undefined>();
const MAX_CACHED = 10_000;

/**
 * Program size: Envoy's own limit (runtime `re2.max_program_size.error_level`, default 100) is
 * lifted by every Tidegate bootstrap (`TIDEGATE_RUNTIME` in @tidegate/envoy-runner) above RE2's
 * compile ceiling, since node-re2 cannot report program sizes; RE2's own limits remain (repeat
 * counts up to 1000 and their nesting, its 8 MiB memory budget) and are checked here by RE2.
 * Because node-re2 compiles for UTF-8 and Envoy for Latin-1, a pattern far over that budget in
 * UTF-8 (over ~700,000 instructions) may be refused here although Envoy's smaller Latin-1
 * program would fit: the one place Tidegate is stricter than Envoy.
 */

/**
 * Why Envoy would refuse `pattern` in a `RegexMatcher` (route, header, query and CORS matches,
 * regex rewrites), or undefined when it compiles. Messages are RE2's, e.g. `invalid escape
 * sequence: \Z`; a pattern that passes here passes `envoy --mode validate` under a Tidegate
 * bootstrap. Verdicts are cached: the same patterns come back on every translation.
 */
export function regexProblem(pattern: string): string | undefined {
  if (verdicts.has(pattern)) return verdicts.get(pattern);
  const verdict = judge(pattern);
  if (verdicts.size >= MAX_CACHED) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}

function judge(pattern: string): string | undefined {
  if (pattern === '') return 'must not be empty';
  const text = protoStringProblem(pattern);
  if (text) return text;
  const view = re2View(pattern);
  if (!view.ok) return `${REFUSED}${view.problem}`;
  try {
    new RE2(view.source, 'u');
    return undefined;
  } catch (err) {
    let message = (err as Error).message;
    // node-re2's own rule, checked after RE2 compiled the pattern; RE2 and Envoy allow repeated names.
    if (message === DUPLICATE_NAMES) return undefined;
    for (const [ours, theirs] of view.rewrites) message = message.replaceAll(ours, theirs);
    return `${REFUSED}${fromLatin1(message)}`;
  }
}

/** RE2 quotes the pattern back as Latin-1 characters: show the user's own text instead. */
function fromLatin1(message: string): string {
  return /^[\x00-\xff]*$/.test(message) ? Buffer.from(message, 'latin1').toString('utf8') : message;
}

/** Escapes a literal so that RE2 matches exactly its bytes. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
