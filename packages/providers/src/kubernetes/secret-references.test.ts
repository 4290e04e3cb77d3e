// Which Secrets get published: only those some object references.
import type { KubeObject } from '@tidegate/common';
import { referencedSecrets } from './secret-references';

const obj = (kind: string, namespace: string, rest: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', namespace, ...(annotations ? { annotations } : {}) },
  ...rest,
});

it('finds Gateway certificateRefs (cross-namespace too), Ingress secretName, policy refs and secret annotations', () => {
  const found = referencedSecrets([
    obj('Gateway', 'infra', { spec: { listeners: [{ tls: { certificateRefs: [{ name: 'a' }, { name: 'b', namespace: 'certs', kind: 'Secret', group: '' }] } }] } }),
    obj('Ingress', 'web', { spec: { tls: [{ hosts: ['h'], secretName: 'web-tls' }] } }, { 'nginx.ingress.kubernetes.io/auth-secret': 'basic', 'nginx.ingress.kubernetes.io/auth-tls-secret': 'ca/client-ca' }),
    obj('BackendPolicy', 'app', { spec: { tls: { caCertificateRef: { name: 'ca' }, clientCertificateRef: { name: 'client' } } } }),
    obj('ClientTrafficPolicy', 'infra', { spec: { tls: { clientCACertificateRef: { name: 'client-ca' } } } }),
  ]);
  expect([...found].sort()).toEqual(['app/ca', 'app/client', 'ca/client-ca', 'certs/b', 'infra/a', 'infra/client-ca', 'web/basic', 'web/web-tls'].sort());
});

it('ignores references to other kinds, backend and parent refs, and Secrets themselves', () => {
  const found = referencedSecrets([
    obj('HTTPRoute', 'app', { spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }] } }),
    obj('BackendTLSPolicy', 'app', { spec: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'cm' }] } } }),
    obj('Secret', 'app', { data: { secretName: 'bogus' } }),
  ]);
  expect([...found]).toEqual([]);
});
