// YAML builders for e2e configuration: a Gateway and Services whose endpoints are local echo servers.

export const GATEWAY_CLASS = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tidegate }
spec: { controllerName: tidegate.io/gateway-controller }
`;

export function gateway(name: string, listeners: string): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: default }
spec:
  gatewayClassName: tidegate
  listeners:
${listeners}
`;
}

export function httpListener(name: string, port: number, hostname?: string): string {
  return `    - name: ${name}
      protocol: HTTP
      port: ${port}${hostname ? `\n      hostname: "${hostname}"` : ''}
`;
}

/** A Service plus an EndpointSlice pointing at local ports (one endpoint per port). */
export function service(name: string, ports: number[], opts: { servicePort?: number; addresses?: string[] } = {}): string {
  const servicePort = opts.servicePort ?? 80;
  const endpoints = ports.map((p, i) => ({ address: opts.addresses?.[i] ?? '127.0.0.1', port: p }));
  // Kubernetes slices hold one port list for all endpoints, so each distinct port gets its own slice.
  const slices = endpoints.map(
    (e, i) => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-${i}
  namespace: default
  labels: { kubernetes.io/service-name: ${name} }
addressType: IPv4
ports: [{ name: http, port: ${e.port} }]
endpoints:
  - addresses: ["${e.address}"]
    conditions: { ready: true }
`,
  );
  return [
    `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  ports: [{ name: http, port: ${servicePort} }]
`,
    ...slices,
  ].join('\n---\n');
}

export const docs = (...parts: string[]): string => parts.join('\n---\n');

/**
 * A Gateway `name` with HTTP listeners (`listener name → port`), bound to `address` when given and
 * created at `created` when given, plus an HTTPRoute `<name>-route` from all of them to Service `svc`.
 */
export function gatewayWithRoute(name: string, svc: string, listeners: Record<string, number>, opts: { address?: string; created?: string } = {}): string {
  const ls = Object.entries(listeners).map(([l, port]) => `    - { name: ${l}, protocol: HTTP, port: ${port} }`);
  return docs(
    `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: default${opts.created ? `, creationTimestamp: "${opts.created}"` : ''} }
spec:
  gatewayClassName: tidegate${opts.address ? `\n  addresses: [{ type: IPAddress, value: "${opts.address}" }]` : ''}
  listeners:
${ls.join('\n')}
`,
    `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}-route, namespace: default }
spec:
  parentRefs: [{ name: ${name} }]
  rules: [{ backendRefs: [{ name: ${svc}, port: 80 }] }]
`,
  );
}

/**
 * A Gateway API route of `kind` attached to listener `section` of Gateway `gw`, one rule with
 * these Service backends (`name` or `name:port`, port 80 by default), and SNI/host names when given.
 */
export function simpleRoute(kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute', name: string, section: string, backends: string[], hostnames?: string[]): string {
  const refs = backends.map((b) => {
    const [svc, port] = b.split(':');
    return `{ name: ${svc}, port: ${port ?? 80} }`;
  });
  return `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw, sectionName: ${section} }]${hostnames ? `\n  hostnames: [${hostnames.join(', ')}]` : ''}
  rules: [{ backendRefs: [${refs.join(', ')}] }]`;
}

/** An HTTPRoute on Gateway `gw` sending `prefix` to Service `svc`; `extra` is appended to its rule (e.g. a misspelt field). */
export const prefixRoute = (name: string, prefix: string, extra = ''): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      backendRefs: [{ name: svc, port: 80 }]${extra}
`;

/** A Service whose endpoint is a local port; `appProtocol` when given (else gRPC is inferred from the route kind). */
export function grpcService(name: string, backendPort: number, appProtocol?: string): string {
  return `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  ports: [{ name: grpc, port: 50051${appProtocol ? `, appProtocol: ${appProtocol}` : ''} }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-0, namespace: default, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
ports: [{ name: grpc, port: ${backendPort} }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]
`;
}
