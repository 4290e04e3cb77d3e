// Hostile values for the fuzz suite: strings Envoy, YAML or a regex engine may choke on, and values of the wrong type.
import fc from 'fast-check';

/** Strings known to trip parsers, header rules, regex engines, path handling and YAML. */
export const HOSTILE_STRINGS: readonly string[] = [
  // header injection and control characters
  'a\r\nx-injected: 1', '\r\n', '\n', '\r', 'a\0b', '\0', '\x01', '\x7f', '\t', ' ', ' a ', '',
  // unicode: right-to-left override, zero-width, BOM, combining, emoji, case folding, lone surrogate
  '\u202egnp.exe', 'a\u200bb', '\ufeffa', 'e\u0301', '😀', 'İı', 'ß', 'Ω', '\ud800', 'ａｂｃ', '\u2028',
  // regex metacharacters and what RE2 or Envoy refuse
  '(', ')', '[', ']', '{', '}', '*', '+', '?', '|', '^', '$', '\\', '.', '.*', '(a+)+$', 'a{1001}', '[a-z]{200}',
  '(?i)abc', '\\Z', '\\u0041', '\\cA', '\\k<n>', '(?<n>a)', '\\1', '\\p{L}', '[[:alpha:]]', '(?=a)', '(?!a)', 'a**',
  // paths: traversal, encodings, queries, fragments
  '../../etc/passwd', '/../..', '..', '/./', '//', '/%2e%2e/', '/%00', '%', '/a?b=c#d', '#', ';', '/a b', 'no-slash', '/\\',
  // header and host names with special meaning
  'host', ':authority', ':path', 'content-length', 'transfer-encoding', 'x-a:b', 'a b',
  '*', '*.', '*.*.example.com', '.example.com', 'a..b', '-a.example.com', 'LOCALHOST', '127.0.0.1', '[::1]', '::1', '0.0.0.0/0', '256.1.1.1',
  // numbers, durations and quantities written as strings
  '0', '-1', '65536', '1e3', '0x10', '080', '1.5', '1s', '-1s', '0s', '1000000h', '1.5.5s', 'infinite', '10Zi', '1e400',
  // YAML-significant words and Envoy/templating syntax
  'yes', 'no', 'on', 'off', 'null', '~', '<<', '&a', '*a', '!!binary', '%s', '%REQ(:path)%', '%%', '${jndi:ldap://x}', '{{.}}',
  // quotes, markup, PEM and base64 look-alikes
  '"', "'", '`', '\\"', '<script>', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'not base64!', '====',
];

/** A long string: a short unit (maybe hostile) repeated up to ~200 KB. */
const hugeString = fc
  .tuple(fc.constantFrom('a', '(', '\r\n', 'é', '😀', '.*', 'a.'), fc.integer({ min: 256, max: 200_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Any string a hostile user might write. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_STRINGS), { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: hugeString },
);

/** A value of some other type than expected: numbers at the edges, booleans, null, containers. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, -0, 1.5, 65536, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, true, false, null),
  fc.integer(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.integer(), fc.constantFrom(...HOSTILE_STRINGS)), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'name', 'value', 'spec', '$ref'), fc.oneof(fc.integer(), fc.constantFrom(...HOSTILE_STRINGS)), { maxKeys: 2 }),
);

/** A hostile replacement for any value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: wrongType });
