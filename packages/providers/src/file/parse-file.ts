// Turns one multi-document YAML file into objects and located problems.
import { LineCounter, parseAllDocuments, type Document, type Node, isNode } from 'yaml';
import type { ProviderError, SourcedObject } from '@tidegate/common';
import { checkObject, identityOf } from './check-object';

/** An object plus where its document starts, for messages that name two places. */
export interface LoadedObject extends SourcedObject {
  source: { file: string; document: number };
  line: number;
  column: number;
}

export interface ParsedFile {
  /** Objects from the documents that parsed and passed the object checks. */
  objects: LoadedObject[];
  /** YAML syntax problems: the file may be half-written. */
  syntaxErrors: ProviderError[];
  /** Documents that are valid YAML but not valid objects. */
  objectErrors: ProviderError[];
}

/** Most aliases one document may expand (guards against "billion laughs" input). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses `text` (the content of `file`, a path relative to the config directory).
 * Never throws: every problem is reported with `file:line:column` in its message,
 * and each document stands alone, so one bad document does not hide the others.
 */
export function parseConfigFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: true, lineCounter });
  const result: ParsedFile = { objects: [], syntaxErrors: [], objectErrors: [] };
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };

  docs.forEach((doc, index) => {
    const source = { file, document: index };
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    let value: unknown;
    let broken = doc.errors.length > 0;
    if (!broken) {
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (err) {
        // e.g. an alias to an anchor that does not exist (yet: the file may be mid-write).
        broken = true;
        const message = err instanceof Error ? err.message : String(err);
        result.syntaxErrors.push({ source, path: '', message: `${at(start)}: ${message}` });
      }
    }
    if (broken) {
      const object = bestEffortIdentity(doc);
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : at(e.pos[0]);
        result.syntaxErrors.push({ source, ...(object ? { object } : {}), path: '', message: `${where}: ${firstLine(e.message)}` });
      }
      return;
    }
    if (value === null || value === undefined) return; // empty document, e.g. a trailing `---`

    const checked = checkObject(value);
    if (!checked.ok) {
      const object = identityOf(value);
      for (const issue of checked.issues) {
        const offset = nodeAt(doc, issue.path)?.range?.[0] ?? start;
        result.objectErrors.push({ source, ...(object ? { object } : {}), path: issue.path, message: `${at(offset)}: ${issue.message}` });
      }
      return;
    }
    const { line, col } = lineCounter.linePos(start);
    result.objects.push({ object: checked.value, source, line, column: col });
  });
  return result;
}

/** The node at a dotted path, or its nearest existing ancestor. */
function nodeAt(doc: Document, path: string): Node | undefined {
  const keys = path === '' ? [] : path.split('.');
  for (let n = keys.length; n > 0; n--) {
    const node: unknown = doc.getIn(keys.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return isNode(doc.contents) ? doc.contents : undefined;
}

/** Identity from whatever a broken document still reveals; never throws. */
function bestEffortIdentity(doc: Document): ReturnType<typeof identityOf> {
  try {
    return identityOf(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch {
    return undefined;
  }
}

// yaml's pretty messages end with a code frame; keep the sentence, drop its own "at line …".
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').trim();
}
