// regexProblem judges patterns as Envoy's RE2 does (the corpus test in e2e/ proves it against Envoy itself).
import { escapeRegex, regexProblem } from './regex';

describe('regexProblem', () => {
  it('accepts RE2 syntax the old JavaScript-based checks refused', () => {
    for (const p of ['(?i)abc', '(?P<name>a)', '\\pL', '\\p{Greek}', '\\C', '\\Qa.b\\E', '[[:alpha:]]', '(?s).', '[a-z]{200}']) expect(regexProblem(p)).toBeUndefined();
  });

  it('refuses what Envoy NACKed after the old checks passed it, in RE2 words', () => {
    expect(regexProblem('a{1001}')).toBe("RE2 (Envoy's regex engine) refuses it: invalid repetition size: {1001}");
    expect(regexProblem('\\Z')).toMatch(/invalid escape sequence: \\Z$/);
    expect(regexProblem('\\k<n>')).toMatch(/invalid escape sequence: \\k$/);
    expect(regexProblem('(?=a)')).toMatch(/invalid perl operator: \(\?=/);
    expect(regexProblem('(a)\\1')).toMatch(/invalid escape sequence: \\1/);
  });

  it('does not let node-re2 translate JavaScript syntax RE2 lacks', () => {
    expect(regexProblem('\\u0041')).toMatch(/invalid escape sequence: \\u/);
    expect(regexProblem('\\cA')).toMatch(/invalid escape sequence: \\c/);
    // node-re2 expands these names itself; RE2 does not know them...
    expect(regexProblem('\\p{Letter}')).toMatch(/invalid character class range: \\p\{Letter\}/);
    expect(regexProblem('\\p{Emoji}')).toMatch(/\\p\{Emoji\}/);
    // ...but the same text inside \Q...\E is literal.
    expect(regexProblem('\\Q\\u0041\\cA\\E')).toBeUndefined();
  });

  it('reads the pattern byte by byte, as Envoy does (Latin-1)', () => {
    expect(regexProblem('\\x{FF}')).toBeUndefined();
    expect(regexProblem('\\x{100}')).toMatch(/escapes stop at \\xFF/);
    expect(regexProblem('\\400')).toMatch(/escapes stop at \\xFF/);
    // ω is CF 89 and α is CE B1: a valid byte range to Envoy.
    expect(regexProblem('[ω-α]')).toBeUndefined();
    expect(regexProblem('(?P<é>x)')).toMatch(/invalid named capture group: \(\?P<é>/);
  });

  it('refuses empty patterns and text that is not UTF-8', () => {
    expect(regexProblem('')).toBe('must not be empty');
    expect(regexProblem('a\uD800')).toMatch(/lone UTF-16 surrogate/);
    expect(regexProblem('\uD83D\uDE00')).toBeUndefined();
  });

  it('allows repeated group names, as RE2 does', () => {
    expect(regexProblem('(?P<n>a)|(?P<n>b)')).toBeUndefined();
  });

  it('escapes literals so that RE2 matches them exactly', () => {
    const literal = 'a.b*c+(d)[e]{f}|g^$\\?';
    expect(regexProblem(escapeRegex(literal))).toBeUndefined();
    expect(escapeRegex('a.b')).toBe('a\\.b');
  });
});
