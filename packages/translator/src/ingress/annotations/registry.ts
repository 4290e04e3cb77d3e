// Every annotation group, and what each prefixed annotation key on an Ingress is: known (with its level) or not.
import type { AnnotationDef, AnnotationGroup } from './annotation';
import { HIGRESS_PREFIX, NGINX_PREFIX } from './annotation';
import { accessGroup } from './access';
import { authGroup } from './auth';
import { canaryGroup } from './canary';
import { corsGroup } from './cors';
import { destinationGroup } from './destination';
import { fallbackGroup } from './fallback';
import { headersGroup } from './headers';
import { limitsGroup } from './limits';
import { mirrorGroup } from './mirror';
import { otherGroup } from './other';
import { redirectGroup } from './redirect';
import { rewriteGroup } from './rewrite';
import { timeoutsGroup } from './timeouts';
import { tlsGroup } from './tls';
import { upstreamGroup } from './upstream';

/** In the order their route hooks run. */
export const ANNOTATION_GROUPS: ReadonlyArray<AnnotationGroup<unknown>> = [
  canaryGroup,
  rewriteGroup,
  redirectGroup,
  corsGroup,
  timeoutsGroup,
  accessGroup,
  limitsGroup,
  upstreamGroup,
  tlsGroup,
  headersGroup,
  mirrorGroup,
  fallbackGroup,
  destinationGroup,
  authGroup,
  otherGroup,
] as ReadonlyArray<AnnotationGroup<unknown>>;

/** How a prefixed annotation key on an Ingress is classified. */
export type KeyClass =
  | { known: true; def: AnnotationDef; group: string; shadowedBy?: string }
  | { known: false; reason: string };

const exact = new Map<string, { def: AnnotationDef; group: string }>();
const families: Array<{ def: AnnotationDef; group: string }> = [];
for (const group of ANNOTATION_GROUPS) {
  for (const def of group.annotations) {
    if (def.family) families.push({ def, group: group.id });
    else if (exact.has(def.name)) throw new Error(`annotation ${def.name} is declared twice`);
    else exact.set(def.name, { def, group: group.id });
  }
}

/** Whether a key belongs to ingress-nginx or Higress (the annotations this translator reports on). */
export function isOurPrefix(key: string): boolean {
  return key.startsWith(NGINX_PREFIX) || key.startsWith(HIGRESS_PREFIX);
}

/** Classifies one key of an Ingress's annotations (which holds `all`). */
export function classifyKey(key: string, all: Readonly<Record<string, string>>): KeyClass {
  const higress = key.startsWith(HIGRESS_PREFIX);
  const name = key.slice(higress ? HIGRESS_PREFIX.length : NGINX_PREFIX.length);
  const found = exact.get(name) ?? families.find((f) => name.startsWith(f.def.name) && name.length > f.def.name.length);
  if (!found) return { known: false, reason: `unknown annotation: Tidegate does not know ${higress ? 'Higress' : 'ingress-nginx'}'s "${name}"` };
  if (!higress && found.def.higressOnly) return { known: false, reason: `"${name}" exists only as ${HIGRESS_PREFIX}${name}` };
  const nginxKey = NGINX_PREFIX + name;
  if (higress && !found.def.higressOnly && all[nginxKey] !== undefined) return { known: true, ...found, shadowedBy: nginxKey };
  return { known: true, ...found };
}

/** Every annotation definition with its group, in group order (for the README table and the report). */
export function allAnnotations(): Array<{ group: string; def: AnnotationDef }> {
  return ANNOTATION_GROUPS.flatMap((g) => g.annotations.map((def) => ({ group: g.id, def })));
}
