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

describe('GatewayTranslationCache with registry services', () => {
  const bridge = `apiVersion: networking.higress.io/v1
kind: McpBridge
metadata: { name: default, namespace: higress-system }
spec:
  registries: [{ name: prod, type: nacos2, domain: 127.0.0.1, port: 8848 }]`;
  const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tidegate }
spec: { controllerName: tidegate.io/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec:
  gatewayClassName: tidegate
  listeners: [{ name: http, protocol: HTTP, port: 80 }]`;
  const service = (name: string, instances: Array<{ ip: string; port?: number; weight?: number; protocol?: string }>) => `apiVersion: tidegate.io/v1alpha1
kind: RegistryService
metadata: { name: prod.${name}, namespace: higress-system }
spec:
  bridge: default
  registry: prod
  nacos: { namespace: public, namespaceId: "", group: DEFAULT_GROUP, service: ${name} }
  instances:
${instances.map((i) => `    - { ip: ${i.ip}, port: ${i.port ?? 8080}, weight: ${i.weight ?? 1}, healthy: true, enabled: true, ephemeral: true, metadata: { ${i.protocol ? `protocol: ${i.protocol}` : ''} } }`).join('\n')}`;
  const route = (name: string, hosts: string[]) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
${hosts.map((h, i) => `    - matches: [{ path: { type: PathPrefix, value: /${name}/${i} } }]
      backendRefs: [{ group: networking.istio.io, kind: Hostname, name: ${h}${h.includes(':') ? '' : ''} }]`).join('\n')}`;
  const parse = (file: string, text: string): SourcedObject[] =>
    parseAllDocuments(text).flatMap((doc, document) => {
      const object = doc.toJS() as KubeObject | null;
      return object ? [{ object, source: { file, document } }] : [];
    });
  const host = (s: string) => `${s}.DEFAULT-GROUP.public.nacos`;

  it('re-translates only what a registry change reaches, and equals a fresh translation throughout', () => {
    // The pipeline builds the registry resolver from the objects on every translation; so does this test.
    const { translateRegistries, registryBackendRefResolver } = jest.requireActual('../registry') as typeof import('../registry');
    const translate = (list: SourcedObject[], cache?: GatewayTranslationCache) =>
      translateGatewayApi(list, { ...OPTIONS, backendRefResolvers: [registryBackendRefResolver(translateRegistries(list).catalog)], ...(cache ? { cache } : {}) });
    const fixed = parse('fixed.yaml', `${bridge}\n---\n${gateway}\n---\n${route('a', [host('orders'), host('pay')])}\n---\n${route('b', [host('users'), host('missing')])}`);
    const services: Record<string, SourcedObject[]> = {
      orders: parse('orders.yaml', service('orders', [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }])),
      pay: parse('pay.yaml', service('pay', [{ ip: '10.0.1.1' }])),
      users: parse('users.yaml', service('users', [{ ip: '10.0.2.1' }])),
    };
    const cache = new GatewayTranslationCache();
    const all = () => [...fixed, ...Object.values(services).flat()];
    const check = () => {
      const objects = all();
      const cached = translate(objects, cache);
      expect(cached).toEqual(translate(objects));
      return cached;
    };
    const routesOf = (r: ReturnType<typeof translate>, prefix: string) =>
      r.proxyGroups.flatMap((g) => g.httpListeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes))).filter((x) => x.name.includes(`/${prefix}/`));
    const first = check();
    // An endpoint change of "users": route b is translated again, route a is reused as it was.
    services.users = parse('users.yaml', service('users', [{ ip: '10.0.2.1' }, { ip: '10.0.2.2', weight: 2 }]));
    const second = check();
    routesOf(second, 'a').forEach((r, i) => expect(r).toBe(routesOf(first, 'a')[i]));
    // A weight change, a protocol change, a service appearing for a route's missing host, one disappearing.
    services.orders = parse('orders.yaml', service('orders', [{ ip: '10.0.0.1', weight: 5 }, { ip: '10.0.0.2' }]));
    check();
    services.pay = parse('pay.yaml', service('pay', [{ ip: '10.0.1.1', protocol: 'tri' }]));
    check();
    services.missing = parse('missing.yaml', service('missing', [{ ip: '10.0.3.1' }]));
    check();
    delete services.orders;
    check();
    services.orders = parse('orders.yaml', service('orders', [{ ip: '10.0.0.9', port: 9090 }]));
    check();
  });
});
