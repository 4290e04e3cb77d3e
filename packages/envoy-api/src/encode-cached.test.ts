import { TypeUrl, duration, encodeResource, encodeResourceByParts, encodeResourceCached } from './index';

const vhost = (n: number) => ({
  name: `vh-${n}`,
  domains: [`host-${n}.example.com`],
  routes: [{ match: { prefix: `/p${n}` }, route: { cluster: `c${n}`, timeout: duration(1500) } }],
});

describe('encodeResourceByParts', () => {
  const config = () => ({ name: 'http', virtual_hosts: [vhost(1), vhost(2), vhost(3)], ignore_port_in_host_matching: true, request_headers_to_add: [{ header: { key: 'x', value: 'y' } }] });

  it('gives exactly the bytes and version of encoding the whole message', () => {
    const object = config();
    const whole = encodeResource(TypeUrl.RouteConfiguration, 'http', object);
    const parts = encodeResourceByParts(TypeUrl.RouteConfiguration, 'http', object, 'virtual_hosts');
    expect(whole.ok && parts.ok).toBe(true);
    if (!whole.ok || !parts.ok) return;
    expect(Buffer.from(parts.value.value).equals(Buffer.from(whole.value.value))).toBe(true);
    expect(parts.value.version).toBe(whole.value.version);
    expect(Buffer.from(parts.value.any).equals(Buffer.from(whole.value.any))).toBe(true);
  });

  it('reports a bad element with the same path as a whole-message encode', () => {
    const object = config();
    (object.virtual_hosts[1] as Record<string, unknown>).domain = ['typo'];
    const whole = encodeResource(TypeUrl.RouteConfiguration, 'http', object);
    const parts = encodeResourceByParts(TypeUrl.RouteConfiguration, 'http', object, 'virtual_hosts');
    expect(whole.ok).toBe(false);
    expect(parts).toEqual(whole);
    expect(parts.ok ? [] : parts.issues.map((i) => i.path)).toEqual(['http:virtual_hosts[1].domain']);
  });

  it('reuses an unchanged element and encodes a replaced one afresh', () => {
    const a = config();
    const first = encodeResourceByParts(TypeUrl.RouteConfiguration, 'http', a, 'virtual_hosts');
    const b = { ...a, virtual_hosts: [a.virtual_hosts[0]!, vhost(22), a.virtual_hosts[2]!] };
    const second = encodeResourceByParts(TypeUrl.RouteConfiguration, 'http', b, 'virtual_hosts');
    const whole = encodeResource(TypeUrl.RouteConfiguration, 'http', b);
    expect(first.ok && second.ok && whole.ok).toBe(true);
    if (!first.ok || !second.ok || !whole.ok) return;
    expect(second.value.version).not.toBe(first.value.version);
    expect(second.value.version).toBe(whole.value.version);
  });

  it('reports problems outside the repeated field too', () => {
    const r = encodeResourceByParts(TypeUrl.RouteConfiguration, 'http', { ...config(), ignore_port: true }, 'virtual_hosts');
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['http:ignore_port']);
  });
});

describe('encodeResourceCached', () => {
  it('returns the same result for the same object and encodes another object anew', () => {
    const cluster = { name: 'web', type: 'STATIC', connect_timeout: duration(1000) };
    const first = encodeResourceCached(TypeUrl.Cluster, 'web', cluster);
    expect(encodeResourceCached(TypeUrl.Cluster, 'web', cluster)).toBe(first);
    const other = encodeResourceCached(TypeUrl.Cluster, 'web', { ...cluster, connect_timeout: duration(2000) });
    expect(other).not.toBe(first);
    expect(first.ok && other.ok && first.value.version !== other.value.version).toBe(true);
  });
});
