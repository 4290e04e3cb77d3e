// A regex that ignores ASCII letter case without `(?i)`: Envoy reads regexes as Latin-1, where `(?i)` would also fold bytes of UTF-8 characters.

const LETTER = /^[A-Za-z]$/;
const swap = (c: string): string => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
const isLower = (c: string): boolean => c === c.toLowerCase();
const isLetter = (c: string | undefined): c is string => c !== undefined && LETTER.test(c);

/**
 * Rewrites `pattern` so that every ASCII letter matches either case: `a` outside a class
 * becomes `[aA]`, inside a class `aA`, and a range `a-z` becomes `a-zA-Z`. Escapes, group
 * openers (`(?:`, `(?P<name>`) and counted quantifiers are copied unchanged. The result means
 * the same to RE2 and to JavaScript.
 */
export function caseless(pattern: string): string {
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < pattern.length) {
    const rest = pattern.slice(i);
    const c = pattern[i] as string;
    if (c === '\\') {
      const escape = /^\\(?:[pP]\{[^}]*\}|x\{[0-9A-Fa-f]+\}|x[0-9A-Fa-f]{2}|.)/s.exec(rest)?.[0] ?? c;
      out += escape;
      i += escape.length;
    } else if (inClass) {
      const range = /^([A-Za-z])-([A-Za-z])/.exec(rest);
      if (c === ']') {
        inClass = false;
        out += c;
        i++;
      } else if (range && isLower(range[1] as string) === isLower(range[2] as string)) {
        out += `${range[0]}${swap(range[1] as string)}-${swap(range[2] as string)}`;
        i += 3;
      } else {
        out += isLetter(c) ? `${c}${swap(c)}` : c;
        i++;
      }
    } else if (c === '[') {
      inClass = true;
      const open = /^\[\^?\]?/.exec(rest)?.[0] ?? c;
      out += open;
      i += open.length;
    } else {
      const verbatim = /^(?:\(\?(?:P?<[A-Za-z_]\w*>|[:=!]|<[=!])|\{\d*(?:,\d*)?\})/.exec(rest)?.[0];
      if (verbatim) {
        out += verbatim;
        i += verbatim.length;
      } else {
        out += isLetter(c) ? `[${c}${swap(c)}]` : c;
        i++;
      }
    }
  }
  return out;
}
