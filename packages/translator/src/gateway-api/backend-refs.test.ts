// backendRefs of kinds other translators resolve (TranslateOptions.backendRefResolvers), and gRPC's HTTP/2 default.
import type { KubeObject, SourcedObject } from '@tidegate/common';
import type { BackendRefResolver } from '../registry';
import { translateGatewayApi } from './translate';

const objects = (routeBackend: Record<string, unknown>): SourcedObject[] =>
  [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tg' }, spec: { controllerName: 'tidegate.io/gateway-controller' } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'tg', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'r', namespace: 'default' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [routeBackend] }] },
    },
  ].map((object) => ({ object: object as KubeObject }));

const resolver: BackendRefResolver = {
  group: 'networking.istio.io',
  kind: 'Hostname',
  resolve: (ref) => ({ ok: true, backend: { name: `registry/${ref.name}`, discovery: { type: 'static', endpoints: [] } }, secrets: [], hashPolicy: [] }),
};

const options = { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' };
const ref = { group: 'networking.istio.io', kind: 'Hostname', name: 'orders.nacos', port: 8080 };

describe('backendRefResolvers', () => {
  it('hands refs of a resolver kind to it (gRPC routes still get HTTP/2)', () => {
    const result = translateGatewayApi(objects(ref), { ...options, backendRefResolvers: [resolver] });
    expect(result.errors).toEqual([]);
    expect(result.proxyGroups[0]?.backends).toEqual([
      { name: 'registry/orders.nacos/grpc', discovery: { type: 'static', endpoints: [] }, protocol: 'grpc' },
    ]);
  });

  it('without a resolver the same ref is InvalidKind and its rule answers 503 (gRPC UNAVAILABLE)', () => {
    const result = translateGatewayApi(objects(ref), options);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'invalid-kind', path: 'spec.rules[0].backendRefs[0]' })]);
    const route = result.proxyGroups[0]?.httpListeners[0]?.virtualHosts[0]?.routes[0];
    expect(route?.action).toEqual({ kind: 'direct', status: 503 });
  });
});
