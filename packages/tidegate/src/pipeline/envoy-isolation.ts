// When a group's Envoy translation fails its checks: find the objects whose routes cause it, so only they are left out.
import type { Issue } from '@tidegate/common';
import type { ResourceSet } from '@tidegate/envoy-api';
import type { ProxyGroup, Route } from '@tidegate/ir';
import { originKey, routeOrigin, withoutObjects, type RouteOrigin } from '@tidegate/translator';

export type Build = (group: ProxyGroup) => { ok: true; value: ResourceSet } | { ok: false; issues: Issue[] };

/** The group built without the culprits, and the culprits with the issues their routes caused. */
export interface Isolated {
  group: ProxyGroup;
  resources: ResourceSet;
  culprits: Array<{ origin: RouteOrigin; issues: Issue[] }>;
}

/**
 * Suspects are the objects with a route that is new since `previous` (the last group that
 * built: unchanged routes are the same objects, see `shareUnchanged`). If the group builds
 * without all of them, halving finds the culprits in O(culprits × log suspects) builds (the
 * Envoy layer caches by IR object, so a build of mostly known parts is cheap); undefined
 * when leaving them all out does not help (then no object is to blame).
 */
export function isolateEnvoyFailure(group: ProxyGroup, previous: ProxyGroup | undefined, build: Build): Isolated | undefined {
  const known = new Set<object>(previous ? routesOf(previous) : []);
  const origins = new Map<string, RouteOrigin>();
  for (const r of routesOf(group)) {
    const origin = known.has(r) ? undefined : routeOrigin(r.name);
    if (origin) origins.set(originKey(origin), origin);
  }
  const suspects = [...origins.keys()];
  if (suspects.length === 0 || !build(withoutObjects(group, new Set(suspects))).ok) return undefined;
  const issues = new Map<string, Issue[]>();
  const bad = find(group, suspects, new Set(), suspects, build, issues);
  const fixed = withoutObjects(group, new Set(bad));
  const built = build(fixed);
  if (!built.ok) return undefined;
  return { group: fixed, resources: built.value, culprits: bad.map((k) => ({ origin: origins.get(k) as RouteOrigin, issues: issues.get(k) ?? [] })) };
}

/** Culprits among `candidates`, given that the objects of `admitted` are fine and every other suspect is left out. */
function find(group: ProxyGroup, candidates: string[], admitted: Set<string>, all: readonly string[], build: Build, issues: Map<string, Issue[]>): string[] {
  const admit = new Set([...admitted, ...candidates]);
  const tried = build(withoutObjects(group, new Set(all.filter((k) => !admit.has(k)))));
  if (tried.ok) return [];
  if (candidates.length === 1) {
    issues.set(candidates[0] as string, tried.issues);
    return candidates;
  }
  const half = Math.ceil(candidates.length / 2);
  const left = candidates.slice(0, half);
  const badLeft = find(group, left, admitted, all, build, issues);
  const admittedLeft = new Set([...admitted, ...left.filter((k) => !badLeft.includes(k))]);
  return [...badLeft, ...find(group, candidates.slice(half), admittedLeft, all, build, issues)];
}

function routesOf(g: ProxyGroup): Array<{ name: string }> {
  return [...[...g.httpListeners, ...g.grpcApiListeners].flatMap((l) => l.virtualHosts.flatMap((vh): Route[] => vh.routes)), ...g.tcpListeners.flatMap((l) => l.routes)];
}
