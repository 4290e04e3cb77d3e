// What one Ingress translation leaves for the next. With 10,000 Ingresses a change to one
// should cost that Ingress and the hosts it is on, not a pass over everything: each Ingress
// keeps its parse and path entries, each host its routes, and only the hosts a changed
// Ingress was or is on are translated again. A translation from scratch is the same update
// applied to an empty state, so both give the same result by construction.
import { compareStrings, patchSorted, upperBound, type ObjectStatus } from '@tidegate/common';
import type { Backend, Secret } from '@tidegate/ir';
import { byAge, compareHosts, ErrorSink, type TranslationError } from '../resources';
import { canaryGroup } from './annotations/canary';
import { redirectGroup } from './annotations/redirect';
import type { IngressContext } from './context';
import { translateHost, type HostEntries, type HostResult } from './host-routes';
import type { IngressResource } from './ingress-class';
import { parseIngress, settingsOf, type ParsedIngress } from './ingress-settings';
import { pathEntries, type PathEntry } from './paths';
import { hasListenerSettings } from './proxy-group';
import type { IngressOutcome } from './status';
import type { AnnotationFinding } from './types';

/** One Ingress of our class as the state knows it. */
export interface IngressMemo {
  res: IngressResource;
  parsed: ParsedIngress;
  entries: PathEntry[];
  /** What parsing it and listing its paths reported (reported again on every translation). */
  errors: TranslationError[];
  /** The hosts of its entries, each once, in the Ingress's own order. */
  hosts: string[];
  /** `namespace/name`. */
  key: string;
  /** Its paths and what became of them on its hosts (certificate problems are added per translation). */
  outcome: IngressOutcome;
  /** Its last status (see `ingressStatus`). */
  status?: ObjectStatus;
  /** The update that last saw it. */
  seen: number;
}

/** Ingresses a few translation steps read besides the hosts, kept apart so those steps skip the rest. */
type Subset = 'errors' | 'tls' | 'appRoot' | 'needs' | 'listener' | 'forceSsl';

const SUBSET_TESTS: ReadonlyArray<[Subset, (m: IngressMemo) => boolean]> = [
  ['errors', (m) => m.errors.length > 0],
  ['tls', (m) => (m.res.body.spec?.tls ?? []).length > 0],
  ['appRoot', (m) => settingsOf(m.parsed, redirectGroup)?.appRoot !== undefined && settingsOf(m.parsed, canaryGroup) === undefined],
  ['needs', (m) => m.parsed.needs.backends.length > 0 || m.parsed.needs.secrets.length > 0],
  ['listener', (m) => hasListenerSettings(m.parsed)],
  ['forceSsl', (m) => settingsOf(m.parsed, redirectGroup)?.forceSslRedirect === true && settingsOf(m.parsed, canaryGroup) === undefined],
];

/** Above this many Ingresses added or removed at once, the name order is sorted afresh. */
const SPLICE_LIMIT = 64;

export class IngressState {
  private readonly memos = new Map<IngressResource, IngressMemo>();
  /** Each host's Ingresses, oldest first. */
  private readonly members = new Map<string, IngressMemo[]>();
  private readonly results = new Map<string, HostResult>();
  private readonly subsets = new Map<Subset, Set<IngressMemo>>(SUBSET_TESTS.map(([name]) => [name, new Set()]));
  private sortedHosts: string[] = [];
  private sortedByName: IngressMemo[] = [];
  private report: AnnotationFinding[] = [];
  private statusList: ObjectStatus[] = [];
  private statusesStale = false;
  private updates = 0;
  readonly backends = new SortedByName<Backend>();
  readonly secrets = new SortedByName<Secret>();

  get size(): number {
    return this.memos.size;
  }

  /** Every host with Ingress paths, in virtual host order (exact, wildcards, `*`). */
  get hosts(): readonly string[] {
    return this.sortedHosts;
  }

  get hostResults(): ReadonlyMap<string, HostResult> {
    return this.results;
  }

  /** Every Ingress by `namespace/name`. */
  get byName(): readonly IngressMemo[] {
    return this.sortedByName;
  }

  /** One finding per annotation, Ingress by Ingress (by name), each one's in annotation order. */
  get annotationReport(): AnnotationFinding[] {
    return this.report;
  }

  /** Every Ingress's status, by name. */
  get statuses(): ObjectStatus[] {
    if (this.statusesStale) {
      this.statusList = this.sortedByName.map((m) => m.status as ObjectStatus);
      this.statusesStale = false;
    }
    return this.statusList;
  }

  setStatus(m: IngressMemo, status: ObjectStatus): void {
    if (m.status === status) return;
    m.status = status;
    this.statusesStale = true;
  }

  /** The Ingresses of a subset, oldest first. */
  oldestFirst(subset: Subset): IngressMemo[] {
    return [...(this.subsets.get(subset) as Set<IngressMemo>)].sort(byAgeOfMemo);
  }

  /**
   * Brings the state to `ingresses` (ours, in any order): new ones are parsed, and the hosts
   * of new and gone ones translated again. Returns the Ingresses whose outcome on their hosts
   * was worked out again (the new ones among them).
   */
  update(ingresses: readonly IngressResource[], ctx: IngressContext): IngressMemo[] {
    const seen = ++this.updates;
    const added: IngressMemo[] = [];
    for (const res of ingresses) {
      const memo = this.memos.get(res);
      if (memo) memo.seen = seen;
      else added.push(createMemo(res, ctx, seen));
    }
    const removed: IngressMemo[] = [];
    if (ingresses.length - added.length < this.memos.size) for (const m of this.memos.values()) if (m.seen !== seen) removed.push(m);
    if (added.length === 0 && removed.length === 0) return [];

    const touched = new Set<string>();
    for (const m of removed) {
      this.memos.delete(m.res);
      for (const host of m.hosts) {
        const list = this.members.get(host) as IngressMemo[];
        list.splice(list.indexOf(m), 1);
        touched.add(host);
      }
      for (const set of this.subsets.values()) set.delete(m);
    }
    for (const m of added) {
      this.memos.set(m.res, m);
      for (const host of m.hosts) {
        let list = this.members.get(host);
        if (!list) this.members.set(host, (list = []));
        list.splice(upperBound(list, m, byAgeOfMemo), 0, m);
        touched.add(host);
      }
      for (const [name, test] of SUBSET_TESTS) if (test(m)) this.subsets.get(name)?.add(m);
    }
    this.reorderNames(added, removed);

    let hostSetChanged = false;
    const outcomes = new Set<IngressMemo>(added);
    for (const host of touched) {
      const list = this.members.get(host) as IngressMemo[];
      if (list.length === 0) {
        this.members.delete(host);
        this.results.delete(host);
        hostSetChanged = true;
        continue;
      }
      if (!this.results.has(host)) hostSetChanged = true;
      this.results.set(host, translateHost(hostEntries(list, host), ctx));
      for (const m of list) outcomes.add(m);
    }
    if (hostSetChanged) this.sortedHosts = [...this.results.keys()].sort(compareHosts);
    for (const m of outcomes) m.outcome = hostOutcome(m, this.results);
    if (findingsChanged(added, removed)) this.report = this.sortedByName.flatMap((m) => findingsInOrder(m.parsed));
    return [...outcomes];
  }

  private reorderNames(added: IngressMemo[], removed: IngressMemo[]): void {
    this.statusesStale = true;
    if (added.length + removed.length > SPLICE_LIMIT) {
      this.sortedByName = [...this.memos.values()].sort(byKey);
      return;
    }
    const gone = new Set(removed);
    this.sortedByName = patchSorted(this.sortedByName, added, gone.size ? (m) => gone.has(m) : undefined, byKey);
  }
}

function createMemo(res: IngressResource, ctx: IngressContext, seen: number): IngressMemo {
  const sink = new ErrorSink();
  const local: IngressContext = { ...ctx, sink };
  const parsed = parseIngress(res, local);
  const entries = pathEntries(parsed, local);
  return {
    res,
    parsed,
    entries,
    errors: sink.errors,
    hosts: [...new Set(entries.map((e) => e.host))],
    key: `${res.namespace}/${res.name}`,
    outcome: { parsed, paths: 0, served: 0, notServed: [], unresolved: [] },
    seen,
  };
}

/** A host's path entries in translation order: its Ingresses oldest first, each one's paths in its own order. */
function hostEntries(members: readonly IngressMemo[], host: string): HostEntries {
  const h: HostEntries = { primaries: [], canaries: [] };
  for (const m of members) {
    const list = settingsOf(m.parsed, canaryGroup) !== undefined ? h.canaries : h.primaries;
    for (const e of m.entries) if (e.host === host) list.push(e);
  }
  return h;
}

/** An Ingress's outcome summed over its hosts, in the order it lists them. */
function hostOutcome(m: IngressMemo, results: ReadonlyMap<string, HostResult>): IngressOutcome {
  const o: IngressOutcome = { parsed: m.parsed, paths: m.entries.filter((e) => !e.fallback).length, served: 0, notServed: [], unresolved: [] };
  for (const host of m.hosts) {
    const d = results.get(host)?.outcomes.get(m.parsed);
    if (!d) continue;
    o.served += d.served;
    o.notServed.push(...d.notServed);
    o.unresolved.push(...d.unresolved);
  }
  return o;
}

/** Whether the Ingresses that came and went change the annotation report (an edit mostly keeps its annotations). */
function findingsChanged(added: readonly IngressMemo[], removed: readonly IngressMemo[]): boolean {
  const gone = new Map(removed.map((m) => [m.key, m]));
  for (const m of added) {
    const before = gone.get(m.key);
    gone.delete(m.key);
    if (!sameFindings(before?.parsed.findings ?? [], m.parsed.findings)) return true;
  }
  return [...gone.values()].some((m) => m.parsed.findings.length > 0);
}

const sameFindings = (a: readonly AnnotationFinding[], b: readonly AnnotationFinding[]): boolean =>
  a.length === b.length && a.every((f, i) => JSON.stringify(f) === JSON.stringify(b[i]));

/** An Ingress's annotation findings sorted by annotation, once per parsed Ingress. */
const sortedFindings = new WeakMap<ParsedIngress, AnnotationFinding[]>();

function findingsInOrder(p: ParsedIngress): AnnotationFinding[] {
  let out = sortedFindings.get(p);
  if (!out) sortedFindings.set(p, (out = [...p.findings].sort((a, b) => compareStrings(a.annotation, b.annotation))));
  return out;
}

/**
 * A map's values sorted by key. While the keys stay the same the last order is reused, and
 * while the values do too, the last array: after most changes both are as they were.
 */
export class SortedByName<T> {
  private keys: string[] = [];
  private values: T[] = [];

  of(map: ReadonlyMap<string, T>): T[] {
    if (map.size === this.keys.length && this.keys.every((k) => map.has(k))) {
      const values = this.keys.map((k) => map.get(k) as T);
      if (values.every((v, i) => v === this.values[i])) return this.values;
      this.values = values;
      return values;
    }
    this.keys = [...map.keys()].sort(compareStrings);
    this.values = this.keys.map((k) => map.get(k) as T);
    return this.values;
  }
}

const byAgeOfMemo = (a: IngressMemo, b: IngressMemo): number => byAge(a.res, b.res);
const byKey = (a: IngressMemo, b: IngressMemo): number => compareStrings(a.key, b.key);
