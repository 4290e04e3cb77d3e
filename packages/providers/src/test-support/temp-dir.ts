// Throwaway directories under os.tmpdir() for tests that use the real file system.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh temp directory; `remove()` deletes it and everything in it. */
export async function makeTempDir(prefix = 'tidegate-providers-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
