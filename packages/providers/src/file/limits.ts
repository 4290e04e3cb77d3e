// The limits a configuration file must keep to be read at all (documented in the README).
import { CST, Lexer } from 'yaml';

/** Largest file read, in bytes (16 MiB). Larger files are refused with an error, unread. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Most YAML nodes (scalars, aliases, collections) one file may hold before it is refused. */
export const MAX_YAML_NODES = 2_000_000;

/** Most aliases one document may expand (guards against "billion laughs" input). */
export const MAX_ALIAS_COUNT = 100;

// Each of these tokens starts one node (a block scalar is a header then a scalar: one).
const NODE_TOKENS: ReadonlySet<string> = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'alias',
  'flow-map-start',
  'flow-seq-start',
  'seq-item-ind',
  'explicit-key-ind',
]);

/**
 * Whether `text` holds more than `limit` YAML nodes, counted from the lexer's tokens
 * before anything is built, so a file of a million tiny nodes costs a scan, not the
 * memory of a million node objects.
 */
export function exceedsNodeLimit(text: string, limit: number): boolean {
  let nodes = 0;
  for (const token of new Lexer().lex(text)) {
    if (NODE_TOKENS.has(CST.tokenType(token) ?? '') && ++nodes > limit) return true;
  }
  return false;
}
