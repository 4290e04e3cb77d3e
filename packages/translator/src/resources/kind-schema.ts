// How a translator declares a kind it reads: API group, versions, scope and a strict zod schema.
import type { z } from 'zod';

/**
 * A kind a translator understands. `body` validates the object without
 * `apiVersion`, `kind`, `metadata` and `status`, so a strict schema for
 * `{ spec }` makes every unknown top-level or spec field an error.
 */
export interface KindSchema<T> {
  /** API group; `''` for core kinds such as Service. */
  group: string;
  kind: string;
  versions: readonly string[];
  clusterScoped?: boolean;
  body: z.ZodType<T>;
}

/** Declares a kind (keeps `T` inferred from the schema). */
export function defineKind<S extends z.ZodType>(def: {
  group: string;
  kind: string;
  versions: readonly string[];
  clusterScoped?: boolean;
  body: S;
}): KindSchema<z.output<S>> {
  return def as KindSchema<z.output<S>>;
}

/** `group/version`, or just `version` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
