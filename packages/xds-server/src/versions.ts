// Versions derived from content: a set's version is a hash over its (name, version) pairs.
import { createHash } from 'node:crypto';

/** Anything with a name and a per-resource version. */
export interface Versioned {
  readonly name: string;
  readonly version: string;
}

/**
 * Version of a set of resources: independent of order, changes when any member is added,
 * removed or changed. Equal sets on different streams get equal versions.
 */
export function setVersion(resources: Iterable<Versioned>): string {
  const sorted = [...resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const r of sorted) hash.update(r.name).update('\0').update(r.version).update('\n');
  return hash.digest('base64url').slice(0, 16);
}
