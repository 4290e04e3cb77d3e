// Synthetic configurations of a given size, as IR and as Gateway API YAML.
import type { Backend, ProxyGroup, Route } from '@tidegate/ir';

/** One HTTP listener; `routes` spread over `hosts` virtual hosts; `clusters` backends of two endpoints each. */
export function syntheticProxyGroup(routes: number, clusters: number, hosts = Math.max(1, Math.ceil(routes / 10))): ProxyGroup {
  const backends: Backend[] = Array.from({ length: clusters }, (_, i) => ({
    name: `svc-${i}`,
    discovery: {
      type: 'static',
      endpoints: [
        { address: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 8080 },
        { address: `10.${(i >> 8) & 255}.${i & 255}.2`, port: 8080 },
      ],
    },
  }));
  const perHost: Route[][] = Array.from({ length: hosts }, () => []);
  for (let r = 0; r < routes; r++) {
    perHost[r % hosts]!.push({
      name: `route-${r}`,
      match: { path: { type: 'prefix', value: `/api/v1/resource-${r}` }, headers: r % 3 === 0 ? [{ name: 'x-tenant', type: 'exact', value: `t${r}` }] : [] },
      action: { kind: 'forward', backends: [{ backend: `svc-${r % clusters}`, weight: 1 }] },
      requestHeaders: { set: [{ name: 'x-route', value: `route-${r}` }] },
      timeoutMs: 15_000,
    });
  }
  return {
    name: 'bench/gateway',
    httpListeners: [
      {
        name: 'http',
        address: '0.0.0.0',
        port: 8080,
        virtualHosts: perHost.map((rs, h) => ({ name: `host-${h}`, domains: [`host-${h}.example.com`], routes: rs })),
      },
    ],
    tcpListeners: [],
    grpcApiListeners: [],
    backends,
    secrets: [],
  };
}

/** Gateway API YAML: one Gateway on `port`, `routeObjects` HTTPRoutes of `rulesPerRoute` rules, `services` Services with EndpointSlices. */
export function syntheticGatewayApiYaml(opts: { port: number; routeObjects: number; rulesPerRoute: number; services: number; backendPort: number; hosts?: number }): string {
  const hosts = opts.hosts ?? 5;
  const docs: string[] = [
    `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tidegate }
spec: { controllerName: tidegate.io/gateway-controller }`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bench, namespace: default }
spec:
  gatewayClassName: tidegate
  listeners: [{ name: http, protocol: HTTP, port: ${opts.port} }]`,
  ];
  for (let s = 0; s < opts.services; s++) {
    docs.push(`apiVersion: v1
kind: Service
metadata: { name: svc-${s}, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }`);
    docs.push(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: svc-${s}, namespace: default, labels: { kubernetes.io/service-name: svc-${s} } }
addressType: IPv4
ports: [{ name: http, port: ${opts.backendPort} }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]`);
  }
  let rule = 0;
  for (let r = 0; r < opts.routeObjects; r++) {
    const rules: string[] = [];
    for (let k = 0; k < opts.rulesPerRoute; k++, rule++) {
      rules.push(`    - matches: [{ path: { type: PathPrefix, value: /r${rule}/ } }]
      backendRefs: [{ name: svc-${rule % opts.services}, port: 80 }]`);
    }
    docs.push(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: route-${r}, namespace: default }
spec:
  parentRefs: [{ name: bench }]
  hostnames: ["host-${r % hosts}.example.com"]
  rules:
${rules.join('\n')}`);
  }
  return docs.join('\n---\n') + '\n';
}
