// The cache changes how much work a translation does, never its result: every golden case,
// then a series of edits to its Ingresses and other objects (fixed ones, then random ones:
// moves between hosts, new ages, removals and returns of any object), translated with one cache
// throughout, must give exactly what a translation from scratch gives.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { translateRegistries } from '../registry';
import { translateIngress } from './translate';
import { IngressTranslationCache } from './translation-cache';
import type { IngressTranslateOptions } from './types';

const DIR = join(__dirname, 'testdata');
const OPTIONS: IngressTranslateOptions = {
  ingressClass: 'tidegate',
  controllerName: 'tidegate.io/ingress-controller',
  gateway: { name: 'tidegate/ingress', address: '0.0.0.0', httpPort: 8080, httpsPort: 8443 },
  publishAddress: '192.0.2.10',
};
const cases = readdirSync(DIR).filter((f) => f.endsWith('.in.yaml'));

function load(file: string): { objects: SourcedObject[]; options: IngressTranslateOptions } {
  const text = readFileSync(join(DIR, file), 'utf8');
  const header = /^# options: (\{.*\})$/m.exec(text);
  const options = header ? { ...OPTIONS, ...(JSON.parse(header[1] as string) as Partial<IngressTranslateOptions>) } : OPTIONS;
  const objects = parseAllDocuments(text).flatMap((doc, document) => {
    const object = doc.toJS() as KubeObject | null;
    return object ? [{ object, source: { file, document } }] : [];
  });
  return { objects, options };
}

/** A copy of the object with its first rule's first path (or its annotations) changed. */
function edited(o: SourcedObject, n: number): SourcedObject {
  const object = structuredClone(o.object) as KubeObject & { spec?: { rules?: Array<{ http?: { paths?: Array<{ path?: string }> } }> } };
  const path = object.spec?.rules?.[0]?.http?.paths?.[0];
  if (path) path.path = `/edited-${n}`;
  else object.metadata.annotations = { ...object.metadata.annotations, 'example.com/edit': String(n) };
  return { ...o, object };
}

/** A small seeded generator (mulberry32): the same edits on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type IngressObject = KubeObject & { spec?: { rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string }> } }> } };

/** One random edit of an Ingress: a path, a host (often one another Ingress has), its age, or one annotation less. */
function randomEdit(o: SourcedObject, hosts: string[], pick: <T>(list: readonly T[]) => T, n: number): SourcedObject {
  const object = structuredClone(o.object) as IngressObject;
  const rule = object.spec?.rules?.[0];
  const annotations = Object.keys(object.metadata.annotations ?? {});
  const edits: Array<() => void> = [() => (object.metadata.creationTimestamp = pick(['2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z', undefined]))];
  if (rule) edits.push(() => (rule.host = pick([...hosts, `new-${n}.example.com`, undefined])));
  if (rule?.http?.paths?.[0]) edits.push(() => ((rule.http!.paths![0] as { path?: string }).path = pick(['/', '/a', `/edited-${n}`])));
  if (annotations.length) edits.push(() => delete object.metadata.annotations![pick(annotations)]);
  pick(edits)();
  return { ...o, object };
}

describe('IngressTranslationCache', () => {
  test.each(cases)('%s: cached translations equal fresh ones through a series of edits', (file) => {
    const { objects, options } = load(file);
    const cache = new IngressTranslationCache();
    const check = (list: SourcedObject[]) => expect(translateIngress(list, { ...options, cache })).toEqual(translateIngress(list, options));
    check(objects);
    check(objects); // everything reused
    let current = objects;
    current.forEach((o, i) => {
      if (o.object.kind !== 'Ingress') return;
      current = current.map((x, j) => (j === i ? edited(x, i) : x));
      check(current);
    });
    const firstIngress = current.findIndex((o) => o.object.kind === 'Ingress');
    if (firstIngress >= 0) {
      const without = current.filter((_, i) => i !== firstIngress);
      check(without);
      check(current); // back again
    }
    const other = current.findIndex((o) => o.object.kind !== 'Ingress');
    if (other >= 0) {
      // An environment change (a Service, Secret, class…) starts afresh.
      current = current.map((x, j) => (j === other ? { ...x, object: structuredClone(x.object) } : x));
      check(current);
      check(current.filter((_, j) => j !== other));
    }
    check(objects);
  });

  test.each(cases)('%s: cached translations equal fresh ones through random edits, removals and returns', (file) => {
    const { objects, options } = load(file);
    const next = random(file.length * 7919);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const hosts = [...new Set(objects.flatMap((o) => ((o.object as IngressObject).spec?.rules ?? []).flatMap((r) => (r.host ? [r.host] : []))))];
    const cache = new IngressTranslationCache();
    let current = [...objects];
    const away: SourcedObject[] = [];
    for (let n = 0; n < 40; n++) {
      const ingresses = current.map((o, i) => [o, i] as const).filter(([o]) => o.object.kind === 'Ingress');
      const roll = next();
      if (roll < 0.2 && current.length > 0) {
        // Any object goes away for a while: an Ingress, or a Service, Secret, class… it reads.
        const at = Math.floor(next() * current.length);
        away.push(current[at] as SourcedObject);
        current = current.filter((_, i) => i !== at);
      } else if (roll < 0.35 && away.length > 0) {
        const back = away.splice(Math.floor(next() * away.length), 1)[0] as SourcedObject;
        const at = Math.floor(next() * (current.length + 1));
        current = [...current.slice(0, at), back, ...current.slice(at)];
      } else if (ingresses.length > 0) {
        const edits = Math.ceil(next() * 3);
        for (let k = 0; k < edits; k++) {
          const [o, at] = pick(ingresses);
          current = current.map((x, i) => (i === at ? randomEdit(o, hosts, pick, n) : x));
        }
      }
      expect(translateIngress(current, { ...options, cache })).toEqual(translateIngress(current, options));
    }
  });

  it('translates again only the hosts of a changed Ingress', () => {
    const { objects, options } = load('basic.in.yaml');
    // Two more Ingresses like the first, each on a host of its own.
    const first = objects.find((o) => o.object.kind === 'Ingress') as SourcedObject;
    const others = ['two', 'three'].map((name) => {
      const object = structuredClone(first.object) as IngressObject;
      object.metadata.name = name;
      object.spec!.rules = [{ ...object.spec!.rules![0]!, host: `${name}.example.com` }];
      return { object };
    });
    const all = [...objects, ...others];
    const cache = new IngressTranslationCache();
    const vhostsOf = (list: SourcedObject[]) => translateIngress(list, { ...options, cache }).proxyGroups[0]!.httpListeners[0]!.virtualHosts;
    const before = vhostsOf(all);
    const after = vhostsOf(all.map((o) => (o === others[0] ? edited(o, 1) : o)));
    expect(after.map((vh) => vh.name)).toEqual(['shop.example.com', 'three.example.com', 'two.example.com', '*.example.com']);
    for (const vh of after) {
      const was = before.find((b) => b.name === vh.name);
      if (vh.name === 'two.example.com') expect(vh).not.toBe(was);
      else expect(vh).toBe(was);
    }
  });

  it('keeps its state when objects of kinds it does not read change', () => {
    const { objects, options } = load('basic.in.yaml');
    const cache = new IngressTranslationCache();
    const route = (n: number): SourcedObject => ({ object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default', labels: { n: String(n) } } } });
    const first = translateIngress([...objects, route(1)], { ...options, cache }).proxyGroups[0]!;
    const second = translateIngress([...objects, route(2)], { ...options, cache }).proxyGroups[0]!;
    expect(second.httpListeners[0]!.virtualHosts.length).toBeGreaterThan(0);
    second.httpListeners[0]!.virtualHosts.forEach((vh, i) => expect(vh).toBe(first.httpListeners[0]!.virtualHosts[i]));
  });

  it('starts afresh after a translation that failed part-way', () => {
    const { objects, options } = load('registry-destination.in.yaml');
    const cache = new IngressTranslationCache();
    translateIngress(objects, { ...options, cache });
    const registries = translateRegistries(objects).catalog;
    const failing = { hasBridge: (name: string) => registries.hasBridge(name), resolve: () => { throw new Error('registry lookup failed'); } };
    const edits = objects.map((o) => (o.object.kind === 'Ingress' ? edited(o, 1) : o));
    expect(() => translateIngress(edits, { ...options, registries: failing, cache })).toThrow('registry lookup failed');
    expect(translateIngress(edits, { ...options, cache })).toEqual(translateIngress(edits, options));
  });

  it('reuses the routes of hosts whose Ingresses did not change', () => {
    const { objects, options } = load('basic.in.yaml');
    const cache = new IngressTranslationCache();
    const first = translateIngress(objects, { ...options, cache }).proxyGroups[0]!;
    const second = translateIngress([...objects], { ...options, cache }).proxyGroups[0]!;
    const routes = (g: typeof first) => g.httpListeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes));
    expect(routes(second).length).toBeGreaterThan(0);
    routes(second).forEach((r, i) => expect(r).toBe(routes(first)[i]));
  });
});
