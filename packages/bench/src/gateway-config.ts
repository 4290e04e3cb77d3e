// The Gateway benchmark's configuration: one Gateway, N single-rule HTTPRoutes spread over 5 hostnames.
export const GATEWAY_BENCH_HOSTS = 5;

/** Services are shared by 10 routes each; `routePath(i)` is what route i matches. */
export function gatewayBenchYaml(opts: { port: number; routes: number; backendPort: number; skip?: number }): string {
  const services = Math.max(1, Math.ceil(opts.routes / 10));
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
  listeners: [{ name: http, protocol: HTTP, port: ${opts.port}, allowedRoutes: { namespaces: { from: Same } } }]`,
  ];
  for (let s = 0; s < services; s++) {
    docs.push(`apiVersion: v1
kind: Service
metadata: { name: svc-${s}, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: svc-${s}, namespace: default, labels: { kubernetes.io/service-name: svc-${s} } }
addressType: IPv4
ports: [{ name: http, port: ${opts.backendPort} }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]`);
  }
  for (let r = 0; r < opts.routes; r++) {
    if (r === opts.skip) continue;
    docs.push(gatewayBenchRoute(r, routePath(r)));
  }
  return docs.join('\n---\n') + '\n';
}

/** Hostname of route `r`. */
export const benchHost = (r: number): string => `host-${r % GATEWAY_BENCH_HOSTS}.example.com`;

export const routePath = (r: number): string => `/r${r}/`;

/** HTTPRoute `route-<r>` on its hostname, one rule matching `path`. */
export function gatewayBenchRoute(r: number, path: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: route-${r}, namespace: default }
spec:
  parentRefs: [{ name: bench }]
  hostnames: ["${benchHost(r)}"]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${path} } }]
      backendRefs: [{ name: svc-${Math.floor(r / 10)}, port: 80 }]`;
}
