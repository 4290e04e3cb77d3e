// Host names, per-port resolution, the backendRef resolver and destination parsing.
import type { KubeObject } from '@tidegate/common';
import { parseHostPort, registryBackendRefResolver } from './backend-ref';
import { parseDestinationAnnotation } from './destination';
import { nacosHost, parseDubboProvider } from './host-names';
import { endpointWeight } from './nacos-backends';
import { translateRegistries } from './translate';

const bridge: KubeObject = {
  apiVersion: 'networking.higress.io/v1',
  kind: 'McpBridge',
  metadata: { name: 'default', namespace: 'higress-system' },
  spec: {
    registries: [
      { name: 'nacos', type: 'nacos', domain: '127.0.0.1', port: 8848 },
      { name: 'legacy', type: 'static', domain: '10.0.0.1:8080', port: 80 },
    ],
  },
};
const inst = (ip: string, port: number, extra: Record<string, unknown> = {}) => ({
  ip,
  port,
  weight: 1,
  healthy: true,
  enabled: true,
  ephemeral: true,
  metadata: {},
  ...extra,
});
const service: KubeObject = {
  apiVersion: 'tidegate.io/v1alpha1',
  kind: 'RegistryService',
  metadata: { name: 'nacos.orders', namespace: 'higress-system' },
  spec: {
    bridge: 'default',
    registry: 'nacos',
    nacos: { namespace: 'public', namespaceId: '', group: 'DEFAULT_GROUP', service: 'orders' },
    instances: [inst('10.0.0.1', 8080), inst('10.0.0.2', 9090)],
  },
};
const catalogOf = (...objects: KubeObject[]) => translateRegistries(objects.map((object) => ({ object }))).catalog;

describe('host names', () => {
  it('follows Higress: group underscores become dashes, namespace defaults to public', () => {
    expect(nacosHost('orders', 'DEFAULT_GROUP', '')).toBe('orders.DEFAULT-GROUP.public.nacos');
    expect(nacosHost('providers:com.a.Greeter:1.0.0:', 'DEFAULT_GROUP', 'dev')).toBe('providers:com.a.Greeter:1.0.0:.DEFAULT-GROUP.dev.nacos');
  });

  it('parses Dubbo provider names', () => {
    expect(parseDubboProvider('providers:com.a.Greeter:1.0.0:dev')).toEqual({ interface: 'com.a.Greeter', version: '1.0.0', group: 'dev' });
    expect(parseDubboProvider('providers:com.a.Greeter::')).toEqual({ interface: 'com.a.Greeter', version: '', group: '' });
    expect(parseDubboProvider('orders')).toBeUndefined();
  });

  it('scales weights and gives weight 0 no traffic', () => {
    expect(endpointWeight(1)).toBe(100);
    expect(endpointWeight(0.004)).toBe(1);
    expect(endpointWeight(0)).toBe(0);
  });
});

describe('catalog resolution', () => {
  it('resolves a Nacos host for all ports or one port, case-insensitively', () => {
    const catalog = catalogOf(bridge, service);
    const all = catalog.resolve('ORDERS.default-group.PUBLIC.nacos');
    expect(all.ok && all.backend.name).toBe('orders.DEFAULT-GROUP.public.nacos');
    expect(all.ok && all.backend.discovery).toEqual({
      type: 'static',
      endpoints: [
        { address: '10.0.0.1', port: 8080, weight: 100 },
        { address: '10.0.0.2', port: 9090, weight: 100 },
      ],
    });
    const one = catalog.resolve('orders.DEFAULT-GROUP.public.nacos', 9090);
    expect(one.ok && one.backend.name).toBe('orders.DEFAULT-GROUP.public.nacos:9090');
    expect(one.ok && one.backend.discovery).toEqual({ type: 'static', endpoints: [{ address: '10.0.0.2', port: 9090, weight: 100 }] });
  });

  it('checks the port of static hosts and reports unknown hosts', () => {
    const catalog = catalogOf(bridge, service);
    expect(catalog.resolve('legacy.static', 80).ok).toBe(true);
    expect(catalog.resolve('legacy.static').ok).toBe(true);
    expect(catalog.resolve('legacy.static', 8080)).toEqual({
      ok: false,
      problem: { reason: 'BackendNotFound', message: 'registry service legacy.static has port 80, not 8080' },
    });
    expect(catalog.resolve('nope.DEFAULT-GROUP.public.nacos').ok).toBe(false);
  });

  it('a host conflict names the registry field that lost the host, not just the McpBridge', () => {
    const later: KubeObject = {
      ...bridge,
      metadata: { name: 'later', namespace: 'zz-other' },
      spec: {
        registries: [
          { name: 'legacy', type: 'static', domain: '10.0.0.9', port: 80 },
          { name: 'other-nacos', type: 'nacos', domain: '127.0.0.1', port: 8848 },
        ],
      },
    };
    const laterService: KubeObject = {
      ...service,
      metadata: { name: 'other-nacos.orders', namespace: 'zz-other' },
      spec: { ...(service.spec as object), bridge: 'later', registry: 'other-nacos' },
    };
    const conflicts = translateRegistries([bridge, service, later, laterService].map((object) => ({ object }))).errors.filter((e) => e.code === 'host-conflict');
    expect(conflicts.map((e) => [e.object.name, e.path])).toEqual([
      ['later', 'spec.registries[0]'],
      ['later', 'spec.registries[1]'],
    ]);
  });

  it('knows the valid McpBridges by name, whatever their namespace', () => {
    const catalog = catalogOf(bridge, service);
    expect(catalog.hasBridge('default')).toBe(true);
    expect(catalog.hasBridge('higress-system')).toBe(false);
  });

  it('the backendRef resolver claims networking.istio.io/Hostname and rejects a namespace', () => {
    const resolver = registryBackendRefResolver(catalogOf(bridge, service));
    expect([resolver.group, resolver.kind]).toEqual(['networking.istio.io', 'Hostname']);
    expect(resolver.resolve({ name: 'legacy.static', port: 80 }, 'default').ok).toBe(true);
    expect(resolver.resolve({ name: 'legacy.static', namespace: 'x' }, 'default').ok).toBe(false);
  });
});

describe('destination host[:port]', () => {
  it('splits an optional trailing port, also for Dubbo hosts with colons', () => {
    expect(parseHostPort('orders.DEFAULT-GROUP.public.nacos:8080')).toEqual({ host: 'orders.DEFAULT-GROUP.public.nacos', port: 8080 });
    expect(parseHostPort('providers:com.a.G:1.0.0:.DEFAULT-GROUP.public.nacos')).toEqual({ host: 'providers:com.a.G:1.0.0:.DEFAULT-GROUP.public.nacos' });
    expect(parseHostPort('a.static:70000')).toBeUndefined();
  });
});

describe('higress.io/destination', () => {
  it('reads one unweighted line or several weighted lines adding up to 100', () => {
    expect(parseDestinationAnnotation('orders.DEFAULT-GROUP.public.nacos')).toEqual({
      ok: true,
      destinations: [{ host: 'orders.DEFAULT-GROUP.public.nacos', weight: 100 }],
    });
    expect(parseDestinationAnnotation('30% a.static:80\n 70% b.DEFAULT-GROUP.public.nacos:8080 \n')).toEqual({
      ok: true,
      destinations: [
        { host: 'a.static', port: 80, weight: 30 },
        { host: 'b.DEFAULT-GROUP.public.nacos', port: 8080, weight: 70 },
      ],
    });
  });

  it('reports missing weights, bad sums and bad lines', () => {
    expect(parseDestinationAnnotation('a.static\nb.static')).toMatchObject({ ok: false, message: expect.stringContaining('needs a weight') });
    expect(parseDestinationAnnotation('30% a.static\n30% b.static')).toEqual({ ok: false, message: 'destination weights add up to 60%, not 100%' });
    expect(parseDestinationAnnotation('30 % a.static')).toMatchObject({ ok: false });
    // Whole percentages only (as Higress), and no Istio subsets.
    expect(parseDestinationAnnotation('30.5% a.static\n69.5% b.static')).toMatchObject({ ok: false });
    expect(parseDestinationAnnotation('100% a.static:80 v1')).toEqual({
      ok: false,
      message: '"100% a.static:80 v1" is not "[weight%] host[:port]": Higress subsets ("v1") are not supported',
    });
    expect(parseDestinationAnnotation('  ')).toEqual({ ok: false, message: 'higress.io/destination is empty' });
  });
});
