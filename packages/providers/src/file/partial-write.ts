// Tells a file that is still being written from one whose objects were removed on purpose.
import { objectKey, type ProviderError } from '@tidegate/common';
import { describeObject } from '../object-name';
import type { LoadedObject } from './parse-file';

/** How long after its last change a file that lost objects is given to be complete. */
export const PARTIAL_WRITE_SETTLE_MS = 1000;

export interface PartialWriteJudgement {
  /** Objects of the last complete version that the new one lacks and that keep serving. */
  held: LoadedObject[];
  /** Shown while the file looks cut off for good (no final newline). */
  error?: ProviderError;
  /** When to look again (the settle time ends), if it may change on its own. */
  recheckAt?: number;
}

/**
 * A new version of `file` that parses but lacks objects of its last complete version
 * (`lastWhole`) is taken for a write in progress, and those objects keep serving, while
 * - it does not end with a newline (cut mid-line, or emptied by a truncating open): until
 *   the file changes, with an error; or
 * - it changed less than `settleMs` ago: until then, silently (a deliberate removal
 *   applies once the file has been quiet that long).
 * A file that lost nothing is complete however it ends.
 */
export function judgePartialWrite(
  file: string,
  lastWhole: readonly LoadedObject[] | undefined,
  objects: readonly LoadedObject[],
  info: { endsWithNewline: boolean; mtimeMs: number; now: number; settleMs?: number },
): PartialWriteJudgement {
  if (!lastWhole?.length) return { held: [] };
  const present = new Set(objects.map((o) => objectKey(o.object)));
  const lost = lastWhole.filter((o) => !present.has(objectKey(o.object)));
  if (lost.length === 0) return { held: [] };
  if (!info.endsWithNewline) {
    const names = lost.slice(0, 5).map(({ object }) => describeObject(object));
    const more = lost.length > names.length ? ` and ${lost.length - names.length} more` : '';
    return {
      held: lost,
      error: {
        source: { file },
        path: '',
        code: 'partial-file',
        message:
          `${file}: does not end with a newline and lacks ${names.join(', ')}${more} of its last version: ` +
          'taken for a write in progress, so they keep serving until the file is complete ' +
          '(write configuration files by atomic rename; to remove objects, save the whole file)',
      },
    };
  }
  const settleMs = info.settleMs ?? PARTIAL_WRITE_SETTLE_MS;
  const settledAt = info.mtimeMs + settleMs;
  return info.now < settledAt ? { held: lost, recheckAt: settledAt } : { held: [] };
}
