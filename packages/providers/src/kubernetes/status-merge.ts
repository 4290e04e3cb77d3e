// Pure status arithmetic for the status writer: merging with what others wrote, transition times, "changed?".

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Kubernetes condition: `type` plus a `status` of True/False/Unknown. */
function isCondition(v: unknown): boolean {
  return isObject(v) && typeof v.type === 'string' && (v.status === 'True' || v.status === 'False' || v.status === 'Unknown');
}

/** A list several controllers share, one entry each (Gateway API `status.parents`, `status.ancestors`). */
const isSharedList = (v: unknown): v is Json[] =>
  Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e.controllerName === 'string');

/** Whether `v` looks like a shared list already on the object (possibly holding only other controllers' entries). */
const hasControllerEntries = (v: unknown): v is Json[] =>
  Array.isArray(v) && v.some((e) => isObject(e) && typeof e.controllerName === 'string');

/**
 * Whether `current` already says everything `wanted` says. Extra fields in
 * `current` are allowed (the API server fills in schema defaults such as
 * `parentRef.group`); lists must match in length and order; a `null` in `wanted`
 * (a field to remove) requires the field to be absent.
 */
export function covers(current: unknown, wanted: unknown): boolean {
  if (wanted === null) return current === undefined || current === null;
  if (Array.isArray(wanted)) {
    return Array.isArray(current) && current.length === wanted.length && wanted.every((w, i) => covers(current[i], w));
  }
  if (isObject(wanted)) {
    return isObject(current) && Object.entries(wanted).every(([k, w]) => (w === undefined ? true : covers(current[k], w)));
  }
  return current === wanted;
}

/** The entry of `candidates` that `entry` updates: same condition type, same name, or the same identity fields. */
function matchEntry(entry: unknown, candidates: unknown[]): unknown {
  if (!isObject(entry)) return undefined;
  if (isCondition(entry)) return candidates.find((c) => isObject(c) && c.type === entry.type);
  if (typeof entry.name === 'string') return candidates.find((c) => isObject(c) && c.name === entry.name);
  const { conditions: _c, ...identity } = entry;
  return candidates.find((c) => covers(c, identity));
}

/**
 * `desired` with every condition's `lastTransitionTime` set: kept from the
 * matching condition in `current` when its status did not change, `now` otherwise.
 */
export function stampTransitions(desired: unknown, current: unknown, now: string): unknown {
  if (Array.isArray(desired)) {
    const candidates = Array.isArray(current) ? current : [];
    return desired.map((d) => stampTransitions(d, matchEntry(d, candidates), now));
  }
  if (!isObject(desired)) return desired;
  if (isCondition(desired)) {
    const prev = isObject(current) && isCondition(current) && current.status === desired.status ? current.lastTransitionTime : undefined;
    return { ...desired, lastTransitionTime: typeof prev === 'string' && prev ? prev : now };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(desired)) out[k] = stampTransitions(v, isObject(current) ? current[k] : undefined, now);
  return out;
}

/**
 * The status to send as a merge patch, or undefined when `current` already
 * covers it. Fields of `current` that `desired` lacks are removed, except shared
 * lists, where only this controller's entries are replaced (or removed, when
 * `desired` is undefined: the object no longer concerns this controller).
 */
export function planStatus(
  current: Json | undefined,
  desired: Json | undefined,
  controllerName: string,
  now: string,
): Json | undefined {
  const cur = current ?? {};
  const mine = (e: unknown): boolean => isObject(e) && e.controllerName === controllerName;
  const plan: Json = {};
  if (desired === undefined) {
    for (const [k, v] of Object.entries(cur)) {
      if (hasControllerEntries(v) && v.some(mine)) plan[k] = v.filter((e) => !mine(e));
    }
    return Object.keys(plan).length ? plan : undefined;
  }
  for (const [k, v] of Object.entries(desired)) {
    if (v === undefined) continue;
    if (isSharedList(v) || (Array.isArray(v) && v.length === 0 && hasControllerEntries(cur[k]))) {
      const existing = Array.isArray(cur[k]) ? (cur[k] as unknown[]) : [];
      const others = existing.filter((e) => !mine(e));
      const ours = existing.filter(mine);
      plan[k] = [...others, ...(v as unknown[]).map((d) => stampTransitions(d, matchEntry(d, ours), now))];
    } else {
      plan[k] = stampTransitions(v, cur[k], now);
    }
  }
  for (const [k, v] of Object.entries(cur)) {
    if (k in plan) continue;
    // Another controller's entries in a shared list stay; anything else we did not ask for goes.
    if (hasControllerEntries(v)) {
      if (v.some(mine)) plan[k] = v.filter((e) => !mine(e));
    } else plan[k] = null;
  }
  return covers(cur, plan) ? undefined : plan;
}

/** RFC 3339 with seconds, as Kubernetes serialises `metav1.Time`. */
export function kubeTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
