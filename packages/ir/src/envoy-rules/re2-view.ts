// Turns a pattern into the text node-re2 must compile so that its verdict is RE2's verdict on what Envoy compiles.

/** Either the text to hand to node-re2, or a reason RE2 (as Envoy runs it) refuses the pattern outright. */
export type Re2View =
  /** `rewrites`: pairs of (text in `source`, the user's text), to show RE2's messages in the user's terms. */
  | { ok: true; source: string; rewrites: Array<[string, string]> }
  | { ok: false; problem: string };

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const hexEscape = (c: string): string => `\\x{${c.charCodeAt(0).toString(16)}}`;

/**
 * Two gaps lie between node-re2 and Envoy, and this closes both:
 *
 * - Envoy 1.40 compiles patterns as Latin-1: every byte of the UTF-8 text is one character
 *   (so `[ω-α]` is a valid byte range, `\x{100}` is out of range). RE2 itself parses such a
 *   pattern by widening each byte to a character first, so handing node-re2 the Latin-1
 *   reading of the bytes gives the same parse; only escapes above `\xFF` (RE2's Latin-1
 *   `rune_max`) must be refused here.
 * - node-re2 rewrites JavaScript syntax before RE2 sees it (`\u0041`, `\cA`, `\p{Letter}`,
 *   `\p{Emoji}`). Escapes RE2 never accepts are refused here; `\p{NAME}` becomes the
 *   equivalent `\P{^NAME}`, which node-re2 leaves alone. `\Q...\E` literals are spelled as
 *   `\x{..}` so that nothing inside them is rewritten.
 *
 * The walk follows RE2's own lexing (escapes, classes with `]` first and `[:name:]`, `\Q...\E`
 * at the top level only); where a pattern is malformed it leaves the text for RE2 to refuse.
 */
export function re2View(pattern: string): Re2View {
  const s = Buffer.from(pattern, 'utf8').toString('latin1');
  let out = '';
  let i = 0;
  let inClass = false;
  let first = false; // `]` right after `[` or `[^` is a literal
  const rewrites: Array<[string, string]> = [];
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) {
        out += c; // trailing backslash: RE2 reports it
        i++;
      } else if (n === 'Q' && !inClass) {
        const end = s.indexOf('\\E', i + 2);
        const stop = end < 0 ? s.length : end;
        for (const ch of s.slice(i + 2, stop)) out += hexEscape(ch);
        i = end < 0 ? s.length : end + 2;
      } else if (n === 'c' || n === 'u') {
        return { ok: false, problem: `invalid escape sequence: \\${n} (RE2 has no \\${n} escape${n === 'u' ? '; write \\x{41} or \\xHH' : ''})` };
      } else if (n === 'x' && s[i + 2] === '{') {
        let code = 0;
        for (let j = i + 3; isHex(s[j]); j++) {
          code = code * 16 + parseInt(s[j] as string, 16);
          if (code > 0xff) return { ok: false, problem: latin1Problem(s.slice(i, j + 1)) };
        }
        out += '\\x';
        i += 2;
      } else if (isOctal(n) && (n === '0' || isOctal(s[i + 2]))) {
        const digits = /^[0-7]{1,3}/.exec(s.slice(i + 1))?.[0] as string;
        if (parseInt(digits, 8) > 0xff) return { ok: false, problem: latin1Problem(`\\${digits}`) };
        out += `\\${digits}`;
        i += 1 + digits.length;
      } else if ((n === 'p' || n === 'P') && s[i + 2] === '{' && s.indexOf('}', i + 3) >= 0) {
        const close = s.indexOf('}', i + 3);
        const name = s.slice(i + 3, close);
        // node-re2 rewrites some names (long forms, binary properties); a `^` name it passes on.
        const given = s.slice(i, close + 1);
        const same = name.startsWith('^') ? given : `\\${n === 'p' ? 'P' : 'p'}{^${name}}`;
        if (same !== given) rewrites.push([same, given]);
        out += same;
        i = close + 1;
      } else {
        out += c + n;
        i += 2;
      }
      if (inClass) first = false;
      continue;
    }
    if (inClass) {
      if (c === ']' && !first) inClass = false;
      else if (c === '[' && s[i + 1] === ':' && s.indexOf(':]', i + 2) >= 0) {
        const end = s.indexOf(':]', i + 2) + 2;
        out += s.slice(i, end);
        i = end;
        first = false;
        continue;
      }
      first = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      first = true;
      const open = s[i + 1] === '^' ? '[^' : '[';
      out += open;
      i += open.length;
      continue;
    }
    out += c;
    i++;
  }
  return { ok: true, source: out, rewrites };
}

function latin1Problem(escape: string): string {
  return `invalid escape sequence: ${escape} (Envoy compiles regexes byte by byte, as Latin-1: escapes stop at \\xFF)`;
}
