// Configuration files for the fuzz suite: objects spread over files, then the files' text damaged.
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { CaseFile } from './pipeline';
import { HOSTILE_STRINGS } from './values';

/** Where the objects go: a file name for each (modulo), and how each file's text is then damaged. */
export interface FilePlan {
  fileOf: number[];
  damage: TextDamage[][];
}

/** One change to a file's text. `at` is a position as a fraction of the text's length. */
export type TextDamage =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'crlf' }
  | { op: 'bom' }
  | { op: 'invalid-utf8'; at: number }
  | { op: 'deep'; depth: number; flow: boolean }
  | { op: 'aliases' }
  | { op: 'many-keys'; count: number }
  | { op: 'odd-document'; text: string };

/** File names, some nested, some with characters that need care in messages. */
export const FILE_NAMES = ['config.yaml', 'routes/more.yml', 'ü ñ (1).YAML'];

/** Text that means something to a YAML parser. */
const YAML_JUNK = [': :', '- [', '{', '}', '&x', '*x', '*nowhere', '!!python/object:os.system', '%YAML 1.1', '---', '...', '\t', '"open', "'open", '? ', '|', '>-', '<<: *x', 'key: value: other', '  bad indent: 1'];

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fraction }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fraction, text: fc.constantFrom(...YAML_JUNK, ...HOSTILE_STRINGS) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crlf' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('invalid-utf8' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deep' as const), depth: fc.integer({ min: 10, max: 50_000 }), flow: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'aliases' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('many-keys' as const), count: fc.integer({ min: 100, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('odd-document' as const), text: fc.constantFrom('42', '[1, 2]', 'just text', 'null', '"kind: Gateway"', '!!binary aGk=', '- kind: Gateway') }) },
);

/** A plan for `count` objects: which file each goes to and the damage to each file. */
export function filePlan(count: number, damage: fc.Arbitrary<TextDamage[]>): fc.Arbitrary<FilePlan> {
  return fc.record({
    fileOf: fc.array(fc.nat({ max: FILE_NAMES.length - 1 }), { minLength: count, maxLength: count }),
    damage: fc.array(damage, { minLength: FILE_NAMES.length, maxLength: FILE_NAMES.length }),
  });
}

/** Every object in one file, undamaged. */
export const oneFile = (objects: readonly unknown[]): CaseFile[] => [{ path: FILE_NAMES[0] as string, content: render(objects) }];

/** The files the plan makes of the objects (files that get no object are not written). */
export function planFiles(objects: readonly unknown[], plan: FilePlan): CaseFile[] {
  return FILE_NAMES.flatMap((path, f) => {
    const mine = objects.filter((_, i) => (plan.fileOf[i] ?? 0) % FILE_NAMES.length === f);
    if (mine.length === 0) return [];
    return [{ path, content: withInvalidBytes((plan.damage[f] ?? []).reduce(damageText, render(mine))) }];
  });
}

/** Multi-document YAML, one document per object. */
export function render(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

/** Stands for bytes that are not UTF-8 until the text is written. */
const INVALID_UTF8 = '\ue000';

function withInvalidBytes(text: string): string | Buffer {
  if (!text.includes(INVALID_UTF8)) return text;
  const parts = text.split(INVALID_UTF8).map((part) => Buffer.from(part, 'utf8'));
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from([0xff, 0xfe, 0xc3]), part])));
}

function damageText(text: string, d: TextDamage): string {
  const pos = (at: number) => Math.floor(at * text.length);
  switch (d.op) {
    case 'truncate':
      return text.slice(0, pos(d.at));
    case 'insert':
      return text.slice(0, pos(d.at)) + d.text + text.slice(pos(d.at));
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'bom':
      return `\ufeff${text}`;
    case 'invalid-utf8':
      return text.slice(0, pos(d.at)) + INVALID_UTF8 + text.slice(pos(d.at));
    case 'deep':
      return `${text}\n---\n${d.flow ? '['.repeat(d.depth) + ']'.repeat(d.depth) : Array.from({ length: Math.min(d.depth, 2000) }, (_, i) => `${' '.repeat(i)}- `).join('\n')}\n`;
    case 'aliases': {
      // "Billion laughs": nine levels of ten aliases each.
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let l = 1; l < 9; l++) levels.push(`${String.fromCharCode(97 + l)}: &${String.fromCharCode(97 + l)} [${Array(10).fill(`*${String.fromCharCode(96 + l)}`).join(',')}]`);
      return `${text}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    }
    case 'many-keys':
      return `${text}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: many}\ndata:\n${Array.from({ length: d.count }, (_, i) => `  k${i}: v${i}`).join('\n')}\n`;
    case 'odd-document':
      return `${text}\n---\n${d.text}\n`;
  }
}
