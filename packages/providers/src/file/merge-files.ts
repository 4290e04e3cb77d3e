// Combines per-file results into one snapshot: duplicates resolved, everything sorted.
import { objectKey, type ProviderError, type ResourceSnapshot, type SourcedObject } from '@tidegate/common';
import { describeObject } from '../object-name';
import { sortObjects } from '../object-order';
import type { MergeOrder } from './merge-order';
import type { LoadedObject } from './parse-file';

export interface FileContribution {
  objects: readonly LoadedObject[];
  errors: readonly ProviderError[];
}

/**
 * The snapshot entry of a loaded object, one per loaded object: an unchanged file gives the
 * same entries again, so consumers (and the snapshot's equality check) see the same objects.
 */
const entries = new WeakMap<LoadedObject, SourcedObject>();

function entryOf(loaded: LoadedObject): SourcedObject {
  let entry = entries.get(loaded);
  if (!entry) entries.set(loaded, (entry = { object: loaded.object, source: { ...loaded.source } }));
  return entry;
}

/**
 * `files` must be in file path order: the first definition of a kind/namespace/name
 * wins, and every later one becomes an error naming both locations. `order` (kept by the
 * caller between merges) re-sorts only what changed since the last merge.
 */
export function mergeFiles(files: readonly FileContribution[], extraErrors: readonly ProviderError[] = [], order?: MergeOrder): ResourceSnapshot {
  const kept = new Map<string, LoadedObject>();
  const errors: ProviderError[] = [...extraErrors];
  for (const file of files) {
    errors.push(...file.errors);
    for (const loaded of file.objects) {
      const key = objectKey(loaded.object);
      const first = kept.get(key);
      if (!first) {
        kept.set(key, loaded);
        continue;
      }
      const { kind, metadata } = loaded.object;
      const id = describeObject(loaded.object);
      errors.push({
        source: loaded.source,
        object: { kind, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), name: metadata.name },
        path: 'metadata.name',
        code: 'duplicate-object',
        message:
          `${where(loaded)}: duplicate ${id}: also defined at ${where(first)} ` +
          `(document ${first.source.document}), which is the one used`,
      });
    }
  }
  const merged = [...kept.values()];
  const objects = (order ? order.order(merged) : sortObjects(merged)).map(entryOf);
  return { objects, errors: sortErrors(errors) };
}

const where = (o: LoadedObject): string => `${o.source.file}:${o.line}:${o.column}`;

// Stable sort by file then document, so errors read in the order of the files.
function sortErrors(errors: ProviderError[]): ProviderError[] {
  const file = (e: ProviderError) => e.source.file ?? '';
  return [...errors].sort(
    (a, b) => (file(a) < file(b) ? -1 : file(a) > file(b) ? 1 : 0) || (a.source.document ?? -1) - (b.source.document ?? -1),
  );
}
