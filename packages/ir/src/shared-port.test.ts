// Listeners sharing an address and port: allowed only when SNI tells every connection apart.
import type { HttpListener, ProxyGroup, TcpListener } from './types';
import { validateProxyGroup } from './validate';

const https = (name: string, hostnames: string[], extra: Partial<HttpListener> = {}): HttpListener => ({
  name,
  address: '0.0.0.0',
  port: 443,
  tls: { certificates: [{ hostnames, secretName: 'cert' }] },
  virtualHosts: [],
  ...extra,
});
const passthrough = (name: string, sni: string[] | undefined, extra: Partial<TcpListener> = {}): TcpListener => ({
  name,
  address: '0.0.0.0',
  port: 443,
  routes: [{ name: 'r', ...(sni ? { sniHostnames: sni } : {}), backends: [{ backend: 'b', weight: 1 }] }],
  ...extra,
});
const group = (httpListeners: HttpListener[], tcpListeners: TcpListener[]): ProxyGroup => ({
  name: 'g',
  httpListeners,
  tcpListeners,
  grpcApiListeners: [],
  backends: [{ name: 'b', discovery: { type: 'static', endpoints: [] } }],
  secrets: [{ name: 'cert', type: 'certificate', certificateChain: 'C', privateKey: 'K' }],
});
const codes = (g: ProxyGroup): string[] => {
  const r = validateProxyGroup(g);
  return r.ok ? [] : r.issues.map((i) => i.code);
};

describe('listeners sharing an address and port', () => {
  it('are allowed when their SNI names differ and one at most takes the rest', () => {
    expect(codes(group([https('https', ['shop.example.com'])], [passthrough('pass', ['api.example.com']), passthrough('rest', undefined)]))).toEqual([]);
    expect(codes(group([https('https', ['shop.example.com'])], [passthrough('pass', undefined)]))).toEqual([]);
    expect(codes(group([https('https', [])], [passthrough('pass', ['api.example.com'])]))).toEqual([]);
  });

  it('refuse an SNI name two listeners take (case-insensitively)', () => {
    expect(codes(group([https('https', ['API.example.com'])], [passthrough('pass', ['api.example.com'])]))).toEqual(['shared-port-conflict']);
  });

  it('refuse two listeners that both take connections no name matches', () => {
    expect(codes(group([https('https', [])], [passthrough('pass', undefined)]))).toEqual(['shared-port-conflict']);
    // Plain listeners take every connection: two on one port still conflict, as before.
    const plain = (name: string): HttpListener => ({ name, address: '0.0.0.0', port: 80, virtualHosts: [] });
    expect(codes(group([plain('a'), plain('b')], []))).toEqual(['shared-port-conflict']);
  });

  it('count a TLS-terminating catch-all route as taking its certificates\' names', () => {
    const terminate: TcpListener = { ...passthrough('term', undefined), tls: { certificates: [{ hostnames: ['shop.example.com'], secretName: 'cert' }] } };
    expect(codes(group([https('https', ['shop.example.com'])], [terminate]))).toEqual(['shared-port-conflict']);
    expect(codes(group([https('https', ['db.example.com'])], [terminate]))).toEqual([]);
  });

  it('must agree on the PROXY protocol', () => {
    expect(codes(group([https('https', ['shop.example.com'], { proxyProtocol: true })], [passthrough('pass', ['api.example.com'])]))).toEqual(['shared-port-conflict']);
  });

  it('on different addresses do not interact', () => {
    expect(codes(group([https('https', [])], [passthrough('pass', undefined, { address: '127.0.0.2' })]))).toEqual([]);
  });
});
