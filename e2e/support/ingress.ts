// YAML builders for Ingress e2e configuration, and reading an Ingress's status back.
import type { StandaloneHarness } from './standalone';

export interface IngressSpec {
  name: string;
  host?: string;
  /** `[path, pathType, service, port]`; default one `/` Prefix path to `service`. */
  paths?: Array<[string, 'Exact' | 'Prefix' | 'ImplementationSpecific', string, number]>;
  service?: string;
  annotations?: Record<string, string>;
  tls?: { hosts: string[]; secretName: string };
  className?: string;
  creationTimestamp?: string;
}

/** An Ingress of class `tidegate` (unless `className` says otherwise). */
export function ingress(s: IngressSpec): string {
  const paths = s.paths ?? [['/', 'Prefix', s.service ?? 'web', 80]];
  const annotations = Object.entries(s.annotations ?? {})
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${s.name}
  namespace: default
  creationTimestamp: "${s.creationTimestamp ?? '2026-01-01T00:00:00Z'}"
${annotations ? `  annotations:\n${annotations}\n` : ''}spec:
  ingressClassName: ${s.className ?? 'tidegate'}
${s.tls ? `  tls: [{hosts: ${JSON.stringify(s.tls.hosts)}, secretName: ${s.tls.secretName}}]\n` : ''}  rules:
    - ${s.host ? `host: ${JSON.stringify(s.host)}\n      ` : ''}http:
        paths:
${paths.map(([p, t, svc, port]) => `          - {path: ${JSON.stringify(p)}, pathType: ${t}, backend: {service: {name: ${svc}, port: {number: ${port}}}}}`).join('\n')}
`;
}

/** `N` prefixed for ingress-nginx annotations. */
export const nginx = (name: string): string => `nginx.ingress.kubernetes.io/${name}`;
export const higress = (name: string): string => `higress.io/${name}`;

/** One condition of an Ingress's status (namespace `default`), as the control plane reports it. */
export function ingressCondition(tg: StandaloneHarness, name: string, type: string): { status: string; reason: string; message: string } | undefined {
  const statuses = tg.plane.statusReport().statuses as Array<{ kind: string; namespace: string; name: string; status: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } }>;
  return statuses.find((s) => s.kind === 'Ingress' && s.namespace === 'default' && s.name === name)?.status.conditions?.find((c) => c.type === type);
}
