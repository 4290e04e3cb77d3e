// Checks one object the way the translators will, for providers to keep its last valid version (and to name kind typos).
import type { Issue, KubeObject } from '@tidegate/common';
import { GATEWAY_API_KINDS } from './gateway-api/translate';
import { INGRESS_KINDS } from './ingress/translate';
import { REGISTRY_KINDS } from './registry/translate';
import { apiVersionOf, kindIssues, splitApiVersion, type KindSchema } from './resources';

/** Every kind some translator reads, by `group/kind`; a kind two translators read has both schemas. */
const KINDS = new Map<string, Array<KindSchema<unknown>>>();
for (const def of [...GATEWAY_API_KINDS, ...INGRESS_KINDS, ...REGISTRY_KINDS]) {
  const key = `${def.group}/${def.kind}`;
  const defs = KINDS.get(key) ?? [];
  if (!defs.includes(def)) defs.push(def);
  KINDS.set(key, defs);
}
const KIND_NAMES = [...new Set([...KINDS.values()].map((defs) => defs[0]!.kind))];

/**
 * What the translators make of `object`: `read: false` with an `unknown-kind` issue (and a
 * "did you mean" hint) when no translator reads its group and kind, else the problems
 * they would report (unsupported apiVersion, schema issues such as an unknown field),
 * empty when it passes. Identity fields (`metadata.name`) are the provider's to check.
 */
export function checkObjectSchema(object: KubeObject): { read: boolean; issues: Issue[] } {
  const [group] = splitApiVersion(object.apiVersion);
  const defs = KINDS.get(`${group}/${object.kind}`);
  if (!defs) return { read: false, issues: [unknownKind(object, group)] };
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const def of defs) {
    for (const issue of kindIssues(def, object)) {
      const key = `${issue.path}\0${issue.code}\0${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(issue);
    }
  }
  return { read: true, issues };
}

function unknownKind(object: KubeObject, group: string): Issue {
  const sameName = [...KINDS.values()].find((defs) => defs[0]!.kind === object.kind)?.[0];
  if (sameName) {
    const use = apiVersionOf(sameName.group, sameName.versions[0]!);
    return {
      code: 'unknown-kind',
      path: 'apiVersion',
      message: `no ${object.kind} in API group ${group ? `"${group}"` : '"" (core)'}: did you mean apiVersion ${use}? The object is ignored`,
    };
  }
  const hint = closestKind(object.kind);
  return {
    code: 'unknown-kind',
    path: 'kind',
    message: hint
      ? `unknown kind "${object.kind}": did you mean ${hint}? The object is ignored`
      : `unknown kind "${object.kind}": no Tidegate translator reads it; the object is ignored`,
  };
}

/** A known kind that differs only in case, or by at most two edits (a typo), else undefined. */
function closestKind(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  const sameLetters = KIND_NAMES.find((k) => k.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: { kind: string; distance: number } | undefined;
  for (const k of KIND_NAMES) {
    const distance = editDistance(lower, k.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { kind: k, distance };
  }
  return best?.kind;
}

/** Levenshtein distance (kind names are short). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
