// The Kubernetes benchmark's estate: 10,000 Ingresses and 1,000 HTTPRoutes, as API objects.

export const KUBE_ESTATE = { ingresses: 10_000, ingressHosts: 2_000, httpRoutes: 1_000 };

const GW = 'gateway.networking.k8s.io/v1';

/** Everything but the routes: classes, the Gateway, and the backend Service with its EndpointSlice. */
export function baseObjects(gatewayPort: number, backendAddress: string, backendPort: number): Array<Record<string, unknown>> {
  return [
    { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'tidegate' }, spec: { controllerName: 'tidegate.io/gateway-controller' } },
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'bench', namespace: 'default' },
      spec: { gatewayClassName: 'tidegate', listeners: [{ name: 'http', port: gatewayPort, protocol: 'HTTP' }] },
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'tidegate' }, spec: { controller: 'tidegate.io/ingress-controller' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'echo-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'echo' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [backendAddress], conditions: { ready: true } }],
      ports: [{ name: 'http', port: backendPort }],
    },
  ];
}

export function ingress(i: number): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `ing-${i}`, namespace: 'default' },
    spec: {
      ingressClassName: 'tidegate',
      rules: [
        {
          host: `ing-${i % KUBE_ESTATE.ingressHosts}.example.com`,
          http: { paths: [{ path: `/p${i}`, pathType: 'Prefix', backend: { service: { name: 'echo', port: { number: 80 } } } }] },
        },
      ],
    },
  };
}

export function httpRoute(name: string, hostname: string, prefix = '/'): Record<string, unknown> {
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'bench' }],
      hostnames: [hostname],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: prefix } }], backendRefs: [{ name: 'echo', port: 80 }] }],
    },
  };
}
