// On a shared host, sockets another proxy group binds (the default Ingress gateway's) make a Gateway listener there Conflicted.
import type { SourcedObject } from '@tidegate/common';
import { addressesOverlap } from './socket-claims';
import { translateGatewayApi } from './translate';

const objects: SourcedObject[] = [
  { object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tidegate' }, spec: { controllerName: 'tidegate.io/gateway-controller' } } },
  {
    object: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'tidegate', listeners: [{ name: 'web', port: 8080, protocol: 'HTTP' }, { name: 'other', port: 9090, protocol: 'HTTP' }] },
    },
    source: { file: 'gw.yaml', document: 0 },
  },
];
const ingress = { address: '0.0.0.0', port: 8080, owner: 'the default Ingress gateway tidegate/ingress (listener http)' };

function listener(result: ReturnType<typeof translateGatewayApi>, name: string): Array<{ type: string; status: string; reason: string; message: string }> {
  const gw = result.statuses.find((s) => s.kind === 'Gateway')?.status as { listeners: Array<{ name: string; conditions: never }> };
  return gw.listeners.find((l) => l.name === name)!.conditions;
}

it('conflicts a Gateway listener with a socket the default Ingress gateway binds, and keeps the rest', () => {
  const result = translateGatewayApi(objects, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1', sharedHost: true, claimedSockets: [ingress] });
  expect(listener(result, 'web')).toContainEqual(
    expect.objectContaining({ type: 'Conflicted', status: 'True', reason: 'PortConflict', message: expect.stringContaining('port 8080 on 127.0.0.1 is taken by the default Ingress gateway tidegate/ingress (listener http) on 0.0.0.0') }),
  );
  expect(listener(result, 'other')).toContainEqual(expect.objectContaining({ type: 'Conflicted', status: 'False' }));
  expect(result.proxyGroups[0]!.httpListeners.map((l) => l.port)).toEqual([9090]);
  expect(result.errors).toEqual([expect.objectContaining({ object: { kind: 'Gateway', namespace: 'default', name: 'gw' }, source: { file: 'gw.yaml', document: 0 }, path: 'spec.listeners[0].port', code: 'listener-conflict' })]);
});

it('leaves the Gateway alone when nothing else binds its sockets', () => {
  const result = translateGatewayApi(objects, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1', sharedHost: true, claimedSockets: [{ ...ingress, address: '127.0.0.2' }] });
  expect(result.errors).toEqual([]);
  expect(result.proxyGroups[0]!.httpListeners.map((l) => l.port)).toEqual([8080, 9090]);
});

it('lets Gateways of a controller, whose gateways run in pods of their own, declare the same ports', () => {
  const twice = [...objects, { object: { ...objects[1]!.object, metadata: { name: 'gw2', namespace: 'default' } } }];
  const result = translateGatewayApi(twice, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '0.0.0.0' });
  expect(result.errors).toEqual([]);
  expect(result.proxyGroups.map((g) => g.httpListeners.map((l) => `${l.address}:${l.port}`))).toEqual([
    ['0.0.0.0:8080', '0.0.0.0:9090'],
    ['0.0.0.0:8080', '0.0.0.0:9090'],
  ]);
  // The same Gateways on one host: the later one (by name, without creationTimestamp) loses both ports.
  const shared = translateGatewayApi(twice, { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '0.0.0.0', sharedHost: true });
  expect(shared.proxyGroups.map((g) => g.name)).toEqual(['default/gw']);
  expect(shared.errors.map((e) => `${e.object.name} ${e.path} ${e.code}`)).toEqual(['gw2 spec.listeners[0].port listener-conflict', 'gw2 spec.listeners[1].port listener-conflict']);
});

it.each([
  ['127.0.0.1', '127.0.0.1', true],
  ['0.0.0.0', '127.0.0.2', true],
  ['127.0.0.2', '0.0.0.0', true],
  ['127.0.0.1', '127.0.0.2', false],
  ['::', '::1', true],
  ['::', '127.0.0.1', false],
  ['0.0.0.0', '::1', false],
])('addresses %s and %s overlap: %s', (a, b, overlap) => {
  expect(addressesOverlap(a, b)).toBe(overlap);
});
