// Which files in the configuration directory are configuration, and listing them.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderError } from '@tidegate/common';
import { compareStrings } from '@tidegate/common';

/**
 * A YAML file the provider reads: `*.yaml` / `*.yml`, not a dotfile and not an
 * editor leftover (`.#x.yaml` locks, `#x.yaml#` autosaves, `x.yaml~` backups,
 * `.x.yaml.swp`).
 */
export function isConfigFileName(name: string): boolean {
  return !name.startsWith('.') && !name.startsWith('#') && /\.ya?ml$/i.test(name);
}

export interface ConfigFileListing {
  /** Paths relative to the directory, `/`-separated, sorted by code unit. */
  files: string[];
  /** Subdirectories that could not be read. */
  errors: ProviderError[];
}

/**
 * Every configuration file under `dir`, recursively. Dot-directories are skipped
 * (`.git`, and Kubernetes ConfigMap mounts' `..data`, whose files are reached via
 * the top-level symlinks). Symlinks are followed; a directory reached twice is read
 * once, so link loops end. Throws only when `dir` itself cannot be read.
 */
export async function listConfigFiles(dir: string): Promise<ConfigFileListing> {
  const files: string[] = [];
  const errors: ProviderError[] = [];
  const visited = new Set<string>([await realpath(dir)]);

  async function walk(abs: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      if (rel === '') throw err;
      if (errorCode(err) !== 'ENOENT') {
        errors.push({ source: { file: rel }, path: '', message: `${rel}: cannot read directory: ${errorMessage(err)}` });
      }
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childAbs = join(abs, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(childAbs).catch(() => undefined); // dangling links are skipped
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isFile && isConfigFileName(entry.name)) files.push(childRel);
      if (isDir) {
        const real = await realpath(childAbs).catch(() => undefined);
        if (real === undefined || visited.has(real)) continue;
        visited.add(real);
        await walk(childAbs, childRel);
      }
    }
  }

  await walk(dir, '');
  files.sort(compareStrings);
  return { files, errors };
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
