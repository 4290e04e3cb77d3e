// The cache changes how much work a translation does, never its result: every golden case,
// then a series of edits to its Ingresses and other objects, translated with one cache
// throughout, must give exactly what a translation from scratch gives.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
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
