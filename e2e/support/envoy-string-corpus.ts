// Patterns, header names and header values that Envoy accepts or refuses, for the agreement test with @tidegate/ir's checker.

const HANDWRITTEN_PATTERNS = [
  // Ordinary patterns, and the ones the old checks refused though RE2 accepts them.
  'abc', '.*', '^/api/.*$', '/v[0-9]+/users/[^/]+', '(a|b)*c', '(?i)abc', '(?i:abc)d', '(?s).', '(?m)^a$', '(?U)a+', '(?-i)a', '(?i)(?-i:a)b',
  'a+?', 'a*?', 'a??', 'a{2}', 'a{2,}', 'a{2,5}', 'a{,5}', 'a{2}?', 'a{', 'a{x}', '{', '}', '{1}', 'x{2}{3}', 'a**', 'a*+', 'a++', 'a?+',
  // Perl syntax RE2 has and lacks.
  '(?P<name>a)', '(?<name>a)', '(?P<n>a)(?P<n>b)', '(?P<1a>x)', '(?P<>x)', "(?'n'a)", '(?P=n)', '(?#comment)', '(?|a)', '(?>a)', '(?x)a b', '(?i', '(?P<n', '(?P<n>',
  '(?=a)', '(?!a)', '(?<=a)', '(?<!a)', '\\1', '(a)\\1', '\\k<n>', '(?P<n>a)\\k<n>', '\\g1', '\\g{1}', '(?R)', '(?1)', '(*ANY)a',
  // Escapes.
  '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\b', '\\B', '\\A', '\\z', '\\Z', '\\C', '\\a', '\\f', '\\t', '\\n', '\\r', '\\v', '\\e', '\\0', '\\01', '\\012',
  '\\377', '\\400', '\\777', '\\8', '\\x41', '\\x{41}', '\\x{FF}', '\\x{100}', '\\x{10FFFF}', '\\x{}', '\\xG1', '\\x4', '\\u0041', '\\u{41}', '\\uZZ', '\\cA', '\\ca', '\\c',
  '\\_', '\\-', '\\/', '\\%', '\\y', '\\h', '\\R', '\\X', '\\K', '\\G', '\\N', '\\E', '\\Qa.b\\E', '\\Q\\cA\\E', '\\Q(?<=x)\\E', '\\Qab', '\\Q\\E*', '\\Qa\\E*', '[\\Q]', '\\', 'a\\',
  // Classes.
  '[abc]', '[^abc]', '[]a]', '[^]a]', '[a-]', '[-a]', '[a-z-0]', '[z-a]', '[ω-α]', '[α-ω]', '[[:alpha:]]', '[[:^alpha:]]', '[[:word:]]', '[[:foo:]]', '[[=a=]]', '[[.a.]]',
  '[a', ']', '[]', '[^]', '[\\d-z]', '[\\pL]', '[\\p{Greek}]', '[\\p{Emoji}]', '[\\b]', '[a&&b]', '[\\x{100}]', '[\\u0041]', '[\\Z]', '[/]', '[(?<]',
  // Unicode classes, and the JavaScript forms node-re2 would rewrite.
  '\\pL', '\\PL', '\\p{L}', '\\p{Lu}', '\\p{Greek}', '\\p{^Greek}', '\\P{Greek}', '\\P{^Greek}', '\\p{Han}', '\\p{Any}', '\\p{Letter}', '\\p{Script=Greek}', '\\p{sc=Greek}',
  '\\p{gc=L}', '\\p{General_Category=Letter}', '\\p{Emoji}', '\\p{ASCII}', '\\p{Alphabetic}', '\\p{scx=Hani}', '\\p{IsGreek}', '\\pN', '\\pZ', '\\pX', '\\p{', '\\p{L', '\\p{}', '\\p^',
  // Non-ASCII text, which Envoy reads byte by byte.
  'é', 'caf(é|e)', '日本', '😀', '[😀]', '(?i)ß', '\uFEFF', 'é+', '(?P<é>x)', '(?P<日本>x)', '(?P<ab_9>x)', '\u0085',
  // Control characters, invalid UTF-8 and empty patterns.
  'a\uD800', '\uDC00', '\uD83D', '\uD83D\uDE00', 'a\u0000b', '\u0000', '\u0001', '\r', '\n', '\u007f', '\uFFFD', '\uFFFF', '', '()', '(?:)', '|', 'a|', '^$', '$^',
  // Structure.
  '(', ')', '(a', 'a)', '*', '+a', '?', 'a|*', '^*', '$+', '(a*)*', '(a*)+', '(a+)+', '((a|b)*)*c', '(|a)', '(?:(?:(?:a)))', 'a{1}{2}',
  // Repetition limits: counts up to 1000, and their nesting.
  'a{1000}', 'a{1001}', 'a{0,1000}', 'a{0,1001}', 'a{1000,}', 'a{1001,}', '(a{100}){10}', '(a{100}){11}', '((a{10}){10}){10}', '((a{10}){10}){11}', '(?:a{2}){500}', '(?:a{2}){501}',
  '[a-z]{200}', '[a-z]{1000}', '\\pL{100}', '\\pL{400}', '.{1000}', '(?i)[a-z]{1000}', '\\w{1000}',
];

/** Patterns too long to write by hand: nesting depth, long alternations, RE2's memory budget. */
function generatedPatterns(): string[] {
  const nest = (depth: number): string => `${'('.repeat(depth)}a${')'.repeat(depth)}`;
  const alternation = (n: number): string => Array.from({ length: n }, (_, i) => `x${i}`).join('|');
  return [
    nest(100),
    nest(999),
    nest(1000),
    nest(1001),
    nest(5000),
    `(?:${'(?:a|b)'.repeat(2000)})`,
    alternation(1000),
    alternation(20000),
    'a'.repeat(10_000),
    // ASCII literals compile the same for Latin-1 and UTF-8: RE2's budget is ~698,000 of them.
    'a{1000}'.repeat(698),
    'a{1000}'.repeat(699),
    '[a-z]{1000}'.repeat(698),
    '[a-z]{1000}'.repeat(699),
  ];
}

/** Every pattern of the corpus, with simple variants (anchored, grouped, case-insensitive) of the handwritten ones. */
export function regexCorpus(): string[] {
  const variants = HANDWRITTEN_PATTERNS.filter((_, i) => i % 3 === 0).flatMap((p) => [`^${p}$`, `(?:${p})+`, `(?i)${p}`]);
  return [...new Set([...HANDWRITTEN_PATTERNS, ...generatedPatterns(), ...variants])];
}

/**
 * Patterns whose UTF-8 program is over RE2's memory budget while Envoy's Latin-1 program fits:
 * the checker refuses them although Envoy would accept them (see `regexProblem`).
 */
export const STRICTER_THAN_ENVOY = ['.{1000}'.repeat(100), '\\pL{1000}', '[^a]{1000}'.repeat(100)];

export const HEADER_NAMES = [
  'x-a', 'X-Up', 'x_a', 'Foo Bar', ' x', 'x ', 'é', '😀', 'a:b', ':', ':path', ':authority', ':method', ':scheme', ':status', 'host', 'Host', 'HOST', 'host ',
  'te', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'x-forwarded-for', '', 'a\u0000', 'a\r', 'a\n', 'a\tb', 'a\u007f', '\u0085',
  '"x"', '%', 'x%y', '{}', 'a\uD800', '\uDC00x', 'x'.repeat(16_384), 'x'.repeat(16_385), 'é'.repeat(8192), 'é'.repeat(8193),
];

export const HEADER_VALUES = [
  '', 'v', ' leading', 'trailing ', 'a b', '50%', '%FOO%', '%%', '%REQ(:path)%', '%DOWNSTREAM_REMOTE_ADDRESS%', 'a\u0000b', 'a\rb', 'a\nb', 'a\r\nb', 'a\tb', 'a\u0001b',
  'a\u007fb', 'é', '😀', 'a\uD800', '\uDFFF', '"quoted"', 'x'.repeat(16_384), 'x'.repeat(16_385), '%'.repeat(8192), '%'.repeat(8193), 'é'.repeat(8192), 'é'.repeat(8193),
];
