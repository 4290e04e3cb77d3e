// Address pool: parsing, stable hashed assignment, collisions and explicit addresses, and use by the translator.
import type { SourcedObject } from '@tidegate/common';
import { assignPoolAddresses, parseAddressPool } from './address-pool';
import { translateGatewayApi } from './translate';

describe('parseAddressPool', () => {
  it('parses IPv4 CIDRs, leaving out network and broadcast addresses', () => {
    expect(parseAddressPool('127.10.0.0/16')).toEqual({ first: (127 * 2 ** 24 + 10 * 2 ** 16 + 1), size: 65534 });
    expect(parseAddressPool('127.10.3.7/24')).toEqual({ first: (127 * 2 ** 24 + 10 * 2 ** 16 + 3 * 256 + 1), size: 254 });
    expect(parseAddressPool('10.0.0.5/32')).toEqual({ first: 10 * 2 ** 24 + 5, size: 1 });
  });

  it.each(['127.0.0.1', '127.0.0.0/33', '::1/128', 'a.b.c.d/8', ''])('rejects %p', (text) => {
    expect(parseAddressPool(text)).toBeUndefined();
  });
});

describe('assignPoolAddresses', () => {
  const pool = parseAddressPool('127.10.0.0/16')!;

  it('gives a key the same address whatever other keys exist', () => {
    const alone = assignPoolAddresses(['ns/a'], pool, new Set());
    const withOthers = assignPoolAddresses(['ns/z', 'ns/a', 'other/b'], pool, new Set());
    expect(withOthers.get('ns/a')).toBe(alone.get('ns/a'));
    expect(new Set(withOthers.values()).size).toBe(3);
    for (const address of withOthers.values()) expect(address).toMatch(/^127\.10\.\d+\.\d+$/);
  });

  it('moves a key off a taken address, and gives none when the pool is full', () => {
    const tiny = parseAddressPool('127.20.0.0/30')!; // 127.20.0.1 and .2
    const out = assignPoolAddresses(['a', 'b', 'c'], tiny, new Set(['127.20.0.1']));
    expect([...out.values()]).toEqual(['127.20.0.2']);
    expect(out.size).toBe(1);
  });
});

describe('translator with an address pool', () => {
  const objects: SourcedObject[] = [
    { kind: 'GatewayClass', metadata: { name: 'tidegate' }, spec: { controllerName: 'tidegate.io/gateway-controller' } },
    ...['a', 'b'].map((name) => ({
      kind: 'Gateway',
      metadata: { name, namespace: 'default' },
      spec: { gatewayClassName: 'tidegate', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
    })),
    {
      kind: 'Gateway',
      metadata: { name: 'pinned', namespace: 'default' },
      spec: { gatewayClassName: 'tidegate', addresses: [{ type: 'IPAddress', value: '127.0.0.9' }], listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
    },
  ].map((o) => ({ object: { apiVersion: o.kind === 'GatewayClass' || o.kind === 'Gateway' ? 'gateway.networking.k8s.io/v1' : 'v1', ...o } }));

  const addressesOf = (result: ReturnType<typeof translateGatewayApi>): Record<string, unknown> =>
    Object.fromEntries(result.statuses.filter((s) => s.kind === 'Gateway').map((s) => [s.name, (s.status as { addresses?: unknown }).addresses]));

  it('binds and reports an address of its own for each Gateway that names none', () => {
    const result = translateGatewayApi(objects, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '0.0.0.0', addressPool: '127.10.0.0/16' });
    const got = addressesOf(result) as Record<string, Array<{ value: string }>>;
    expect(got.pinned).toEqual([{ type: 'IPAddress', value: '127.0.0.9' }]);
    expect(got.a![0]!.value).toMatch(/^127\.10\./);
    expect(got.b![0]!.value).toMatch(/^127\.10\./);
    expect(got.a![0]!.value).not.toBe(got.b![0]!.value);
    const listener = result.proxyGroups.find((g) => g.name === 'default/a')!.httpListeners[0]!;
    expect(listener.address).toBe(got.a![0]!.value);
  });

  it('uses the default listen address without a pool', () => {
    const result = translateGatewayApi(objects, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '0.0.0.0' });
    expect(addressesOf(result)).toMatchObject({ a: [{ value: '0.0.0.0' }], b: [{ value: '0.0.0.0' }] });
  });
});
