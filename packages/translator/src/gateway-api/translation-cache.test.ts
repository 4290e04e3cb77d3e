// The cache changes how much work a translation does, never its result: every golden case,
// then a series of edits to its routes and other objects, translated with one cache
// throughout, must give exactly what a translation from scratch gives.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { translateGatewayApi } from './translate';
import { GatewayTranslationCache } from './translation-cache';
import type { TranslateOptions } from './types';

const DIR = join(__dirname, 'testdata');
const OPTIONS: TranslateOptions = { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' };
const cases = readdirSync(DIR).filter((f) => f.endsWith('.in.yaml'));
const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute']);

function load(file: string): SourcedObject[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).flatMap((doc, document) => {
    const object = doc.toJS() as KubeObject | null;
    return object ? [{ object, source: { file, document } }] : [];
  });
}

/** A copy of a route with its first rule's first path match (or its labels) changed. */
function edited(o: SourcedObject, n: number): SourcedObject {
  const object = structuredClone(o.object) as KubeObject & { spec?: { rules?: Array<{ matches?: Array<{ path?: { value?: string } }> }> } };
  const path = object.spec?.rules?.[0]?.matches?.[0]?.path;
  if (path?.value) path.value = `/edited-${n}`;
  else object.metadata.labels = { ...object.metadata.labels, edit: String(n) };
  return { ...o, object };
}

describe('GatewayTranslationCache', () => {
  test.each(cases)('%s: cached translations equal fresh ones through a series of edits', (file) => {
    const objects = load(file);
    const cache = new GatewayTranslationCache();
    const check = (list: SourcedObject[]) => expect(translateGatewayApi(list, { ...OPTIONS, cache })).toEqual(translateGatewayApi(list, OPTIONS));
    check(objects);
    check([...objects]); // everything reused
    let current = objects;
    current.forEach((o, i) => {
      if (!ROUTE_KINDS.has(o.object.kind)) return;
      current = current.map((x, j) => (j === i ? edited(x, i) : x));
      check(current);
    });
    const firstRoute = current.findIndex((o) => ROUTE_KINDS.has(o.object.kind));
    if (firstRoute >= 0) {
      check(current.filter((_, i) => i !== firstRoute));
      check(current);
    }
    // An environment change (a Service, Gateway, grant, policy…) starts afresh.
    current.forEach((o, i) => {
      if (ROUTE_KINDS.has(o.object.kind)) return;
      check(current.filter((_, j) => j !== i));
    });
    check(objects);
  });

  it('reuses the rules of unchanged routes', () => {
    const objects = load('http-basic.in.yaml');
    const cache = new GatewayTranslationCache();
    const routes = (list: SourcedObject[]) =>
      translateGatewayApi(list, { ...OPTIONS, cache }).proxyGroups.flatMap((g) => g.httpListeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes)));
    const first = routes(objects);
    const second = routes([...objects]);
    expect(second.length).toBeGreaterThan(0);
    second.forEach((r, i) => expect(r).toBe(first[i]));
  });
});
