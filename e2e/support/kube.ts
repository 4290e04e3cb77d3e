// Kubernetes e2e support: a real kube-apiserver, a whole Tidegate watching it (real Envoy), and object builders.
import { startKubeApiServer, type KubeApiServer } from '@tidegate/providers';
import { ControlPlane } from '@tidegate/tidegate';

export { startKubeApiServer, type KubeApiServer };

export interface KubeTidegate {
  plane: ControlPlane;
  close(): Promise<void>;
}

/** An in-process Tidegate (Kubernetes provider, xDS, one bundled Envoy per proxy group) on 127.0.0.1. */
export async function startKubeTidegate(
  api: KubeApiServer,
  options: { ingress?: { httpPort: number; httpsPort: number }; leaseName?: string; identity?: string } = {},
): Promise<KubeTidegate> {
  const plane = new ControlPlane({
    kubernetes: {
      kubeconfig: api.kubeConfig(),
      leaderElection: { namespace: 'default', name: options.leaseName ?? 'tidegate-e2e', identity: options.identity, leaseDurationSeconds: 3, retryPeriodMs: 250, renewDeadlineMs: 2000 },
      reflector: { backoff: { initialMs: 100, maxMs: 1000 } },
    },
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    ...(options.ingress ? { ingress: { ingressClass: 'tidegate', ...options.ingress, publishAddress: '127.0.0.1' } } : {}),
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'warning', drainSeconds: 0 },
  });
  try {
    await plane.start();
  } catch (err) {
    await plane.stop().catch(() => undefined);
    throw err;
  }
  return { plane, close: () => plane.stop() };
}

const GW = 'gateway.networking.k8s.io/v1';

/** Builders for the objects e2e tests put in the API server (plain objects for server-side apply). */
export const k8s = {
  namespace: (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  gatewayClass: (name = 'tidegate') => ({ apiVersion: GW, kind: 'GatewayClass', metadata: { name }, spec: { controllerName: 'tidegate.io/gateway-controller' } }),
  gateway: (name: string, port: number, namespace = 'default') => ({
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { gatewayClassName: 'tidegate', listeners: [{ name: 'http', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] },
  }),
  httpRoute: (name: string, gateway: string, hostname: string, rules: unknown[], namespace = 'default') => ({
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs: [{ name: gateway }], hostnames: [hostname], rules },
  }),
  /**
   * A Service whose one port (named `http`) has endpoints at `address:targetPort`, as an EndpointSlice.
   * The API server rejects loopback endpoint addresses: use a test host's (support/test-host.ts).
   */
  serviceWithEndpoints: (name: string, address: string, targetPort: number, namespace = 'default') => [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      // The slice names its port like the Service port; its number is the resolved (named) target port.
      ports: [{ name: 'http', port: targetPort, protocol: 'TCP' }],
    },
  ],
  ingressClass: (name = 'tidegate') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name }, spec: { controller: 'tidegate.io/ingress-controller' } }),
  ingress: (name: string, host: string, service: string, path = '/', namespace = 'default') => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      ingressClassName: 'tidegate',
      rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }],
    },
  }),
};
