// What fails the IR checks is left out by the object it came from; the group keeps the rest.
import type { ProxyGroup, Route } from '@tidegate/ir';
import { checkedProxyGroup } from './checked-group';
import { routeOrigin } from './route-origin';

const route = (name: string, path: string, backend = 'b'): Route => ({ name, match: { path: { type: 'prefix', value: path } }, action: { kind: 'forward', backends: [{ backend, weight: 1 }] } });

const group = (routes: Route[], backends = [{ name: 'b', discovery: { type: 'static' as const, endpoints: [{ address: '127.0.0.1', port: 80 }] } }]): ProxyGroup => ({
  name: 'default/gw',
  httpListeners: [{ name: 'http', address: '127.0.0.1', port: 80, virtualHosts: [{ name: 'a', domains: ['a.example'], routes }] }],
  tcpListeners: [],
  grpcApiListeners: [],
  backends,
  secrets: [],
});

const names = (g: ProxyGroup) => g.httpListeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes.map((r) => r.name)));

it('leaves out every route of the object one of whose routes fails, and nothing else', () => {
  const checked = checkedProxyGroup(
    group([route('httproute/default/bad/rule/0/match/0', '/ok'), route('httproute/default/bad/rule/1/match/0', 'no-slash'), route('httproute/default/good/rule/0/match/0', '/good')]),
  );
  if (!checked.ok) throw new Error('expected a repaired group');
  expect(names(checked.group)).toEqual(['httproute/default/good/rule/0/match/0']);
  expect(checked.leftOut).toEqual([
    { issue: expect.objectContaining({ code: 'bad-path' }), origin: { ref: { kind: 'HTTPRoute', namespace: 'default', name: 'bad' }, field: 'spec.rules[1].matches[0]' } },
  ]);
});

it('leaves out a failing backend, then the routes that named it', () => {
  const checked = checkedProxyGroup(
    group([route('ingress/default/shop/rules/0/paths/1', '/x', 'broken'), route('ingress/default/web/rules/0/paths/0', '/y')], [
      { name: 'b', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 80 }] } },
      { name: 'broken', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 0 }] } },
    ]),
  );
  if (!checked.ok) throw new Error('expected a repaired group');
  expect(names(checked.group)).toEqual(['ingress/default/web/rules/0/paths/0']);
  expect(checked.group.backends.map((b) => b.name)).toEqual(['b']);
  expect(checked.leftOut.map((l) => l.origin?.ref.name)).toEqual([undefined, 'shop']);
  expect(checked.leftOut[1]?.origin?.field).toBe('spec.rules[0].http.paths[1]');
});

it('fails only when no single part can be blamed', () => {
  const b = { name: 'b', discovery: { type: 'static' as const, endpoints: [{ address: '127.0.0.1', port: 80 }] } };
  expect(checkedProxyGroup(group([route('x', '/')], [b, b])).ok).toBe(false);
});

it('reads the origin of every translator\'s route names', () => {
  expect(routeOrigin('grpcroute/ns/r/rule/named/match/2')).toEqual({ ref: { kind: 'GRPCRoute', namespace: 'ns', name: 'r' }, field: 'spec.rules[name=named].matches[2]' });
  expect(routeOrigin('tcproute/ns/db')).toEqual({ ref: { kind: 'TCPRoute', namespace: 'ns', name: 'db' }, field: 'spec.rules' });
  expect(routeOrigin('ingress/ns/i/default-backend')?.field).toBe('spec.defaultBackend');
  expect(routeOrigin('something-else')).toBeUndefined();
});
