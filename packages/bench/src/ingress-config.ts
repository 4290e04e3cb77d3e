// A synthetic Ingress estate for the benchmarks: N Ingresses of two paths each over H hosts, with some annotations.

export interface IngressEstate {
  ingresses: number;
  hosts: number;
  services: number;
  /** Where every Service's endpoints point. */
  backendPort: number;
}

/** Ingress `i` as YAML; `variant` changes one of its paths (for convergence runs). */
export function benchIngress(i: number, e: IngressEstate, variant?: number): string {
  const annotations: string[] = [];
  if (i % 5 === 0) annotations.push('nginx.ingress.kubernetes.io/proxy-read-timeout: "120"');
  if (i % 7 === 0) annotations.push('nginx.ingress.kubernetes.io/enable-cors: "true"');
  if (i % 11 === 0) annotations.push('nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8, 127.0.0.0/8"');
  if (i % 13 === 0) annotations.push('higress.io/request-header-control-add: "x-tenant t' + i + '"');
  const svc = `svc-${i % e.services}`;
  const second = variant === undefined ? `/app-${i}/b` : `/probe-${variant}`;
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing-${i}
  namespace: default
  creationTimestamp: "2026-01-01T00:00:00Z"${annotations.length ? `\n  annotations:\n${annotations.map((a) => `    ${a}`).join('\n')}` : ''}
spec:
  ingressClassName: tidegate
  rules:
    - host: ${benchIngressHost(i, e)}
      http:
        paths:
          - {path: /app-${i}/a, pathType: Prefix, backend: {service: {name: ${svc}, port: {number: 80}}}}
          - {path: ${second}, pathType: Prefix, backend: {service: {name: ${svc}, port: {number: 80}}}}`;
}

export const benchIngressHost = (i: number, e: IngressEstate): string => `host-${i % e.hosts}.example.com`;

/** Services with one EndpointSlice each. */
export function benchServices(e: IngressEstate): string[] {
  const docs: string[] = [];
  for (let s = 0; s < e.services; s++) {
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: svc-${s}, namespace: default}
spec: {ports: [{name: http, port: 80}]}`);
    docs.push(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc-${s}, namespace: default, labels: {kubernetes.io/service-name: svc-${s}}}
addressType: IPv4
ports: [{name: http, port: ${e.backendPort}}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]`);
  }
  return docs;
}

/**
 * The estate as files of about `perFile` Ingresses each (`ingresses-NNN.yaml`) plus `services.yaml`.
 * Ingress 0 is left out when `skipFirst` (it lives in its own file in convergence runs).
 */
export function benchIngressFiles(e: IngressEstate, perFile = 100, skipFirst = false): Record<string, string> {
  const files: Record<string, string> = { 'services.yaml': benchServices(e).join('\n---\n') + '\n' };
  for (let start = 0; start < e.ingresses; start += perFile) {
    const docs: string[] = [];
    for (let i = start; i < Math.min(e.ingresses, start + perFile); i++) if (!(skipFirst && i === 0)) docs.push(benchIngress(i, e));
    files[`ingresses-${String(start / perFile).padStart(3, '0')}.yaml`] = docs.join('\n---\n') + '\n';
  }
  return files;
}

export const INGRESS_ESTATE: IngressEstate = { ingresses: 10_000, hosts: 2_000, services: 1_000, backendPort: 9 };
