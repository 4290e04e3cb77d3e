// Turns one multi-document YAML file into objects and located problems.
import { LineCounter, parseAllDocuments, type Document, type Node, isNode } from 'yaml';
import { redactText, type ProviderError, type SourcedObject } from '@tidegate/common';
import { checkObject, identityOf } from './check-object';
import { MAX_ALIAS_COUNT, MAX_YAML_NODES, exceedsNodeLimit } from './limits';
import { checkUniqueKeys } from './unique-keys';

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

/**
 * Parses `text` (the content of `file`, a path relative to the config directory).
 * Never throws: every problem is reported with `file:line:column` in its message,
 * and each document stands alone, so one bad document does not hide the others.
 * A file of more than `maxNodes` YAML nodes is refused whole (one `too-many-nodes` error).
 * Synchronous and CPU-bound: the file provider runs it on a worker thread (`parse-worker.ts`).
 */
export function parseConfigFile(file: string, text: string, maxNodes = MAX_YAML_NODES): ParsedFile {
  const result: ParsedFile = { objects: [], syntaxErrors: [], objectErrors: [] };
  if (exceedsNodeLimit(text, maxNodes)) {
    const message = `${file}: more than ${maxNodes} YAML nodes; the file is refused (split it into smaller files)`;
    result.syntaxErrors.push({ source: { file }, path: '', code: 'too-many-nodes', message });
    return result;
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: true, lineCounter, uniqueKeys: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };

  docs.forEach((doc, index) => {
    const source = { file, document: index };
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    if (doc.errors.length === 0) checkUniqueKeys(doc);
    let value: unknown;
    let broken = doc.errors.length > 0;
    if (!broken) {
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (err) {
        // e.g. an alias to an anchor that does not exist (yet: the file may be mid-write).
        broken = true;
        const message = err instanceof Error ? err.message : String(err);
        result.syntaxErrors.push({ source, path: '', code: 'yaml-syntax', message: `${at(start)}: ${message}` });
      }
    }
    if (broken) {
      const object = bestEffortIdentity(doc);
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : at(e.pos[0]);
        result.syntaxErrors.push({ source, ...(object ? { object } : {}), path: '', code: 'yaml-syntax', message: `${where}: ${firstLine(e.message)}` });
      }
      return;
    }
    if (value === null || value === undefined) return; // empty document, e.g. a trailing `---`

    const checked = checkObject(value);
    if (!checked.ok) {
      const object = identityOf(value);
      for (const issue of checked.issues) {
        const offset = nodeAt(doc, issue.path)?.range?.[0] ?? start;
        result.objectErrors.push({ source, ...(object ? { object } : {}), path: issue.path, code: issue.code, message: `${at(offset)}: ${issue.message}` });
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
/** The parser's first line, with quoted source cut short: a quoted token can be a whole private key. */
function firstLine(message: string): string {
  const line = (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').trim();
  return redactText(line.replace(/"((?:[^"\\]|\\.){40})(?:[^"\\]|\\.)+"/g, '"$1…"'));
}
