// What providers learn from the translators about one object: read or not, and its schema problems.
import type { KubeObject } from '@tidegate/common';
import { checkObjectSchema } from './object-check';

const route = (over: Partial<KubeObject> = {}, spec: unknown = { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }] }): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: 'default' },
  spec,
  ...over,
});

describe('checkObjectSchema', () => {
  it('passes a valid object of a kind a translator reads', () => {
    expect(checkObjectSchema(route())).toEqual({ read: true, issues: [] });
    expect(checkObjectSchema({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } })).toEqual({ read: true, issues: [] });
  });

  it('names the unknown field of a one-word typo, as the translator reports it', () => {
    expect(checkObjectSchema(route({}, { parentRefs: [{ name: 'gw' }], rules: [{ bakendRefs: [] }] }))).toEqual({
      read: true,
      issues: [{ code: 'unknown-field', path: 'spec.rules[0].bakendRefs', message: 'unknown field "bakendRefs"' }],
    });
    const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' } };
    const issues = checkObjectSchema({ ...gateway, spec: { gatewayClassName: 'c', listeners: [{ name: 'h', port: 'eighty', protocol: 'HTTP' }] } }).issues;
    expect(issues.map((i) => [i.path, i.code])).toEqual([['spec.listeners[0].port', 'invalid-type']]);
  });

  it('refuses an IPv4 EndpointSlice address that is not an IPv4 address (hostile-input finding: Envoy rejected the cluster)', () => {
    const slice = (address: string): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: [address] }],
      ports: [{ port: 80 }],
    } as unknown as KubeObject);
    expect(checkObjectSchema(slice('10.0.0.2')).issues).toEqual([]);
    const issues = checkObjectSchema(slice('a\r\nx-injected: 1')).issues;
    expect(issues.map((i) => i.path)).toEqual(['endpoints[1].addresses[0]']);
    expect(checkObjectSchema(slice('::1')).issues).toHaveLength(1);
  });

  it('reports an unsupported apiVersion of a known kind', () => {
    expect(checkObjectSchema(route({ apiVersion: 'gateway.networking.k8s.io/v9' })).issues).toEqual([
      { code: 'unsupported-version', path: 'apiVersion', message: 'gateway.networking.k8s.io/v9 is not supported; use gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1' },
    ]);
  });

  it('gives a kind typo an unknown-kind issue with the kind meant', () => {
    expect(checkObjectSchema(route({ kind: 'HttpRoute' }))).toEqual({
      read: false,
      issues: [{ code: 'unknown-kind', path: 'kind', message: 'unknown kind "HttpRoute": did you mean HTTPRoute? The object is ignored' }],
    });
    expect(checkObjectSchema(route({ kind: 'HTTPRoutes' })).issues[0]?.message).toContain('did you mean HTTPRoute?');
    expect(checkObjectSchema(route({ kind: 'Gatway' })).issues[0]?.message).toContain('did you mean Gateway?');
  });

  it('says when no translator reads a kind, and when a known kind sits in the wrong API group', () => {
    expect(checkObjectSchema({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } })).toEqual({
      read: false,
      issues: [{ code: 'unknown-kind', path: 'kind', message: 'unknown kind "Deployment": no Tidegate translator reads it; the object is ignored' }],
    });
    expect(checkObjectSchema(route({ apiVersion: 'networking.k8s.io/v1' })).issues).toEqual([
      { code: 'unknown-kind', path: 'apiVersion', message: 'no HTTPRoute in API group "networking.k8s.io": did you mean apiVersion gateway.networking.k8s.io/v1? The object is ignored' },
    ]);
  });
});
