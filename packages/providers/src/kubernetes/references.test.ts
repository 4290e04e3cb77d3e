// Which Secrets and ConfigMaps get published: only those some object references.
import type { KubeObject } from '@tidegate/common';
import { CONFIG_MAP_REFERENCES, SECRET_REFERENCES, findReferences } from './references';

const obj = (kind: string, namespace: string, rest: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', namespace, ...(annotations ? { annotations } : {}) },
  ...rest,
});

const KINDS = [
  { kind: 'Secret', pattern: SECRET_REFERENCES },
  { kind: 'ConfigMap', pattern: CONFIG_MAP_REFERENCES },
];
const found = (objects: KubeObject[]) => {
  const refs = findReferences(objects, KINDS);
  return { secrets: [...refs.get('Secret')!].sort(), configMaps: [...refs.get('ConfigMap')!].sort() };
};

describe('Secrets', () => {
  it('finds Gateway certificateRefs (cross-namespace too), Ingress secretName, policy refs and secret annotations', () => {
    const { secrets, configMaps } = found([
      obj('Gateway', 'infra', { spec: { listeners: [{ tls: { certificateRefs: [{ name: 'a' }, { name: 'b', namespace: 'certs', kind: 'Secret', group: '' }] } }] } }),
      obj('Ingress', 'web', { spec: { tls: [{ hosts: ['h'], secretName: 'web-tls' }] } }, { 'nginx.ingress.kubernetes.io/auth-secret': 'basic', 'nginx.ingress.kubernetes.io/auth-tls-secret': 'ca/client-ca' }),
      obj('BackendPolicy', 'app', { spec: { tls: { caCertificateRef: { name: 'ca' }, clientCertificateRef: { name: 'client' } } } }),
      obj('ClientTrafficPolicy', 'infra', { spec: { tls: { clientCACertificateRef: { name: 'client-ca' } } } }),
    ]);
    expect(secrets).toEqual(['app/ca', 'app/client', 'ca/client-ca', 'certs/b', 'infra/a', 'infra/client-ca', 'web/basic', 'web/web-tls'].sort());
    expect(configMaps).toEqual([]);
  });

  it('finds the JWKS a SecurityPolicy provider reads from a Secret or a ConfigMap', () => {
    const jwks = (localJWKS: unknown) => obj('SecurityPolicy', 'api', { spec: { jwt: { providers: [{ name: 'idp', localJWKS }] } } });
    const { secrets, configMaps } = found([jwks({ secretRef: { name: 'keys', key: 'jwks.json' } }), jwks({ configMapRef: { name: 'public-keys', key: 'jwks.json' } })]);
    expect(secrets).toEqual(['api/keys']);
    expect(configMaps).toEqual(['api/public-keys']);
  });

  it('ignores references to other kinds, backend and parent refs, and Secrets themselves', () => {
    const { secrets } = found([
      obj('HTTPRoute', 'app', { spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }] } }),
      obj('BackendTLSPolicy', 'app', { spec: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'cm' }] } } }),
      obj('Gateway', 'app', { spec: { listeners: [{ tls: { certificateRefs: [{ group: 'example.com', kind: 'Secret', name: 'not-core' }] } }] } }),
      obj('Secret', 'app', { data: { secretName: 'bogus' } }),
    ]);
    expect(secrets).toEqual([]);
  });
});

describe('ConfigMaps', () => {
  it('finds BackendTLSPolicy and Gateway client-validation CA refs of kind ConfigMap, transcoder descriptor sets and header annotations', () => {
    const { secrets, configMaps } = found([
      obj('BackendTLSPolicy', 'app', {
        spec: { validation: { hostname: 'h', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'backend-ca' }, { group: '', kind: 'Secret', name: 'backend-ca-secret' }] } },
      }),
      obj('Gateway', 'infra', {
        spec: { tls: { frontend: { default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca', namespace: 'cas' }] } } } } },
      }),
      obj('HTTPRouteFilter', 'app', { spec: { grpcJsonTranscoder: { descriptorSet: { configMapRef: { name: 'descriptors', key: 'set.pb' } }, services: ['a.B'] } } }),
      obj('Ingress', 'web', {}, {
        'nginx.ingress.kubernetes.io/custom-headers': 'shared/response-headers',
        'nginx.ingress.kubernetes.io/proxy-set-headers': ' request-headers ',
        'higress.io/custom-headers': 'higress-headers',
      }),
    ]);
    expect(configMaps).toEqual(['app/backend-ca', 'app/descriptors', 'cas/client-ca', 'shared/response-headers', 'web/higress-headers', 'web/request-headers']);
    expect(secrets).toEqual(['app/backend-ca-secret']);
  });

  it('ignores kindless certificate refs, other annotations, other groups and ConfigMaps themselves', () => {
    const { configMaps } = found([
      obj('BackendPolicy', 'app', { spec: { tls: { caCertificateRef: { name: 'ca' } } } }),
      obj('Ingress', 'web', {}, { 'nginx.ingress.kubernetes.io/auth-secret': 'basic', 'example.com/headers': 'x' }),
      obj('HTTPRouteFilter', 'app', { spec: { x: { configMapRef: { group: 'example.com', name: 'not-core' } } } }),
      obj('ConfigMap', 'app', { data: { configMapRef: 'bogus' } }),
    ]);
    expect(configMaps).toEqual([]);
  });
});
