// Host-scoped routes: which listener gets them, the checks on scopes, and routing by Host in a
// real Envoy (static bootstrap with the scopes inline).
import type { EnvoyProcess } from '@tidegate/envoy-runner';
import type { Backend, HttpListener, ProxyGroup, VirtualHost } from '@tidegate/ir';
import { type EchoServer, startEcho } from '@tidegate/testkit';
import { checkReferences } from './references';
import { emptyResources } from './resources';
import { scopedListenerName } from './scoped-routes';
import { translateProxyGroup } from './translate';
import { probe } from './test-support/http-probe';
import { freePort, startStaticEnvoy } from './test-support/static-envoy';

const host = (name: string, domains: string[], backend = 'web'): VirtualHost => ({
  name,
  domains,
  routes: [{ name, match: { path: { type: 'prefix', value: '/' } }, action: { kind: 'forward', backends: [{ backend, weight: 1 }] } }],
});
const listener = (name: string, virtualHosts: VirtualHost[], port = 80): HttpListener => ({ name, address: '127.0.0.1', port, virtualHosts });
const hosts = (n: number, prefix = 'h'): VirtualHost[] => Array.from({ length: n }, (_, i) => host(`${prefix}${i}`, [`${prefix}${i}.example.com`]));

describe('which listener is scoped', () => {
  it('takes the listener with the most hosts once it reaches the threshold', () => {
    const small = listener('small', hosts(3, 's'));
    const big = listener('big', hosts(5, 'b'), 81);
    expect(scopedListenerName([small, big], 3)).toBe('big');
    expect(scopedListenerName([small, big], 5)).toBe('big');
    expect(scopedListenerName([small, big], 6)).toBeUndefined();
  });

  it('is off at threshold 0', () => {
    expect(scopedListenerName([listener('l', hosts(500))], 0)).toBeUndefined();
  });

  it.each([
    ['a wildcard host', '*.example.com'],
    ['the catch-all', '*'],
    ['upper-case letters', 'Shop.example.com'],
    ['a port', 'shop.example.com:8080'],
    ['an IPv6 literal', '[::1]'],
  ])('skips a listener serving %s (a scope key matches the Host exactly)', (_what, domain) => {
    const l = listener('l', [...hosts(4), host('odd', [domain])]);
    expect(scopedListenerName([l], 2)).toBeUndefined();
  });

  it('skips a listener whose hosts repeat a domain (two scopes cannot share a key)', () => {
    const l = listener('l', [...hosts(3), host('again', ['h0.example.com'])]);
    expect(scopedListenerName([l], 2)).toBeUndefined();
  });

  it('falls back to the next largest qualifying listener', () => {
    const wild = listener('wild', [...hosts(9, 'w'), host('any', ['*'])]);
    const exact = listener('exact', hosts(4, 'e'), 81);
    expect(scopedListenerName([wild, exact], 2)).toBe('exact');
  });
});

describe('scoped translation', () => {
  const group: ProxyGroup = {
    name: 'g',
    httpListeners: [listener('http', [host('shop', ['shop.example.com', 'www.shop.example.com']), host('api', ['api.example.com'])])],
    tcpListeners: [],
    grpcApiListeners: [],
    backends: [{ name: 'web', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 1 }] } }],
    secrets: [],
  };

  it('gives each host its own route configuration and each domain a scope', () => {
    const res = translateProxyGroup(group, { scopedRoutesMinHosts: 2 });
    expect(res.routeConfigurations.map((rc) => (rc as { name: string }).name)).toEqual(['http/shop', 'http/api']);
    expect(res.scopedRouteConfigurations).toEqual([
      { name: 'http/shop.example.com', route_configuration_name: 'http/shop', key: { fragments: [{ string_key: 'shop.example.com' }] } },
      { name: 'http/www.shop.example.com', route_configuration_name: 'http/shop', key: { fragments: [{ string_key: 'www.shop.example.com' }] } },
      { name: 'http/api.example.com', route_configuration_name: 'http/api', key: { fragments: [{ string_key: 'api.example.com' }] } },
    ]);
    expect(checkReferences(res)).toEqual([]);
  });

  it('keeps one route configuration below the threshold', () => {
    const res = translateProxyGroup(group, { scopedRoutesMinHosts: 3 });
    expect(res.routeConfigurations.map((rc) => (rc as { name: string }).name)).toEqual(['http']);
    expect(res.scopedRouteConfigurations).toEqual([]);
  });

  it('reports a scope naming a missing route configuration, and a key used twice', () => {
    const res = emptyResources();
    res.routeConfigurations.push({ name: 'rc', virtual_hosts: [] });
    const key = { fragments: [{ string_key: 'a.example.com' }] };
    res.scopedRouteConfigurations.push(
      { name: 's1', route_configuration_name: 'rc', key },
      { name: 's2', route_configuration_name: 'nope', key },
    );
    expect(checkReferences(res)).toEqual([
      { code: 'missing-route-configuration', path: 'scopedRouteConfigurations[s2].route_configuration_name', message: 'route configuration "nope" does not exist' },
      { code: 'duplicate-scope-key', path: 'scopedRouteConfigurations[s2].key', message: 'same key as scope "s1"' },
    ]);
  });
});

describe('scoped routes in a real Envoy', () => {
  let envoy: EnvoyProcess | undefined;
  let shop: EchoServer;
  let api: EchoServer;
  let port: number;
  const backend = (name: string, p: number): Backend => ({ name, discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: p }] } });

  beforeAll(async () => {
    [shop, api] = await Promise.all([startEcho({ name: 'shop' }), startEcho({ name: 'api' })]);
    port = await freePort();
    const gone = { name: 'gone', domains: ['old.example.com'], routes: [{ name: 'gone', match: { path: { type: 'prefix' as const, value: '/' } }, action: { kind: 'direct' as const, status: 410 } }] };
    envoy = await startStaticEnvoy(
      {
        name: 'scoped',
        httpListeners: [listener('http', [host('shop', ['shop.example.com', 'www.shop.example.com'], 'shop'), host('api', ['api.example.com'], 'api'), gone], port)],
        tcpListeners: [],
        grpcApiListeners: [],
        backends: [backend('shop', shop.port), backend('api', api.port)],
        secrets: [],
      },
      { scopedRoutesMinHosts: 2 },
    );
  }, 30_000);

  afterAll(async () => {
    await envoy?.stop();
    await Promise.all([shop?.close(), api?.close()]);
  });

  it('runs the listener on scoped routes', async () => {
    const dump = await envoy!.admin!.configDump();
    const scoped = dump.configs.find((c) => c['@type'].endsWith('ScopedRoutesConfigDump')) as { inline_scoped_route_configs?: Array<{ scoped_route_configs: unknown[] }> };
    expect(scoped?.inline_scoped_route_configs?.[0]?.scoped_route_configs).toHaveLength(4);
  });

  it.each([
    ['shop.example.com', 'shop'],
    ['www.shop.example.com', 'shop'],
    ['shop.example.com:8080', 'shop'],
    ['api.example.com', 'api'],
  ])('routes Host %s to %s', async (hostHeader, expected) => {
    const res = await probe(port, '/x', { headers: { host: hostHeader } });
    expect(res.status).toBe(200);
    expect(res.json.backend).toBe(expected);
  });

  it('answers a host with a direct response from its own scope', async () => {
    expect((await probe(port, '/', { headers: { host: 'old.example.com' } })).status).toBe(410);
  });

  it('answers 404 for a host no scope has', async () => {
    expect((await probe(port, '/', { headers: { host: 'unknown.example.com' } })).status).toBe(404);
  });
});
