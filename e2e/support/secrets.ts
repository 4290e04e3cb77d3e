// Secret YAML for TLS tests.
import type { Pem } from '@tidegate/testkit';

const indent = (pem: string, spaces: number): string =>
  pem.trim().split('\n').map((l) => ' '.repeat(spaces) + l).join('\n');

export function tlsSecret(name: string, pem: Pem): string {
  return `
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: default }
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(pem.cert, 4)}
  tls.key: |
${indent(pem.key, 4)}
`;
}

export function caSecret(name: string, caCert: string): string {
  return `
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: default }
stringData:
  ca.crt: |
${indent(caCert, 4)}
`;
}
