// Translator details that golden files show less directly.
import type { HttpListener, ProxyGroup } from '@tidegate/ir';
import { translateProxyGroup } from './index';
import { fractionalPercent } from './percent';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const listener = (body: string): HttpListener => ({
  name: 'http',
  address: '0.0.0.0',
  port: 8080,
  virtualHosts: [
    {
      name: 'v',
      domains: ['*'],
      routes: [{ name: 'r', match: { path: { type: 'prefix', value: '/' } }, action: { kind: 'direct', status: 200, body } }],
    },
  ],
});
const group = (l: HttpListener): ProxyGroup => ({
  name: 'g',
  httpListeners: [l],
  tcpListeners: [],
  grpcApiListeners: [],
  backends: [],
  secrets: [],
});

describe('fractionalPercent', () => {
  it.each([
    [100, { numerator: 100, denominator: 'HUNDRED' }],
    [0, { numerator: 0, denominator: 'HUNDRED' }],
    [33.3, { numerator: 3330, denominator: 'TEN_THOUSAND' }],
    [0.01, { numerator: 1, denominator: 'TEN_THOUSAND' }],
    [0.0125, { numerator: 125, denominator: 'MILLION' }],
    [12.34567, { numerator: 123457, denominator: 'MILLION' }],
  ])('%p %%', (percent, expected) => expect(fractionalPercent(percent)).toEqual(expected));
});

describe('direct response bodies', () => {
  it('raises the route configuration body limit only above Envoy’s 4 KiB default', () => {
    const small = translateProxyGroup(group(listener('x'.repeat(4096)))).routeConfigurations[0] as Obj;
    const large = translateProxyGroup(group(listener('é'.repeat(3000)))).routeConfigurations[0] as Obj;
    expect(small.max_direct_response_body_size_bytes).toBeUndefined();
    expect(large.max_direct_response_body_size_bytes).toEqual({ value: 6000 });
  });
});

describe('translateProxyGroup', () => {
  it('is pure: equal input, equal output, input untouched', () => {
    const g = group(listener('hi'));
    const before = structuredClone(g);
    expect(translateProxyGroup(g)).toEqual(translateProxyGroup(g));
    expect(g).toEqual(before);
  });
});
