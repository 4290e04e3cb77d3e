// KubernetesProvider on a real kube-apiserver: every kind, Secrets and ConfigMaps by reference, one namespace, restarts, status, leadership.
import type { KubeObject, ResourceSnapshot } from '@tidegate/common';
import { recordValues, waitForValue } from '../test-support/wait-for';
import { KubernetesProvider, type KubernetesProviderOptions } from './kubernetes-provider';
import { startKubeApiServer, type KubeApiServer } from './local-api-server';
import { WATCHED_KINDS, type WatchedKind } from './watched-kinds';

jest.setTimeout(60_000);

const GW = 'gateway.networking.k8s.io/v1';
const OLD = '2020-01-01T00:00:00Z';

let api: KubeApiServer;
const providers: KubernetesProvider[] = [];

beforeAll(async () => {
  api = await startKubeApiServer();
  await api.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
    { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'tidegate' }, spec: { controllerName: 'tidegate.io/gateway-controller' } },
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: {
        gatewayClassName: 'tidegate',
        listeners: [{ name: 'https', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'gw-cert' }, { name: 'shared', namespace: 'team-a' }] } }],
      },
    },
    { apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'default' }, spec: { parentRefs: [{ name: 'gw' }], hostnames: ['web.example.com'] } },
    { apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'api', namespace: 'team-a' }, spec: { hostnames: ['api.example.com'] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8080 }],
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'tidegate' }, spec: { controller: 'tidegate.io/ingress-controller' } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}' } },
      spec: { ingressClassName: 'tidegate', tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
    },
    secret('gw-cert', 'default'),
    secret('shared', 'team-a'),
    secret('shop-tls', 'default'),
    secret('unreferenced', 'default'),
    // ConfigMaps: a CA bundle, a descriptor set and response headers (across namespaces), each referenced; one not.
    {
      apiVersion: GW,
      kind: 'BackendTLSPolicy',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'web' }],
        validation: { hostname: 'web.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'backend-ca' }] },
      },
    },
    transcoder('descriptors'),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'headers', namespace: 'default', annotations: { 'nginx.ingress.kubernetes.io/custom-headers': 'team-a/headers' } },
      spec: { ingressClassName: 'tidegate', defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
    },
    configMap('backend-ca', 'default', { 'ca.crt': 'v1' }),
    { ...configMap('descriptors', 'default', {}), binaryData: { 'set.pb': Buffer.from('not really').toString('base64') } },
    configMap('headers', 'team-a', { 'x-team': 'a' }),
    configMap('unreferenced-cm', 'default', { a: 'b' }),
  );
}, 120_000);

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop()));
});
afterAll(() => api?.stop());

function secret(name: string, namespace: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', stringData: { 'ca.crt': 'not really' } };
}

function configMap(name: string, namespace: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** An HTTPRouteFilter whose gRPC-JSON transcoder reads its descriptor set from ConfigMap `configMap`. */
function transcoder(configMap: string, name = 'transcode'): Record<string, unknown> {
  return {
    apiVersion: 'tidegate.io/v1alpha1',
    kind: 'HTTPRouteFilter',
    metadata: { name, namespace: 'default' },
    spec: { grpcJsonTranscoder: { descriptorSet: { configMapRef: { name: configMap, key: 'set.pb' } }, services: ['example.Echo'] } },
  };
}

function provider(options: Partial<KubernetesProviderOptions> = {}): KubernetesProvider {
  const p = new KubernetesProvider({
    kubeconfig: api.kubeConfig(),
    leaderElection: false,
    reflector: { backoff: { initialMs: 50, maxMs: 500 }, absentRecheckMs: 200 },
    ...options,
  });
  providers.push(p);
  return p;
}

const keys = (s: ResourceSnapshot | undefined): string[] =>
  (s?.objects ?? []).map(({ object: o }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
const find = (s: ResourceSnapshot | undefined, key: string): KubeObject | undefined =>
  s?.objects.find(({ object: o }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}` === key)?.object;

describe('what is published', () => {
  it('publishes every kind, normalized, and only the Secrets and ConfigMaps something references', async () => {
    const p = provider();
    await p.start();
    const s = p.resources.value;
    const k = keys(s);
    for (const key of [
      'Namespace//team-a',
      'Service/default/web',
      'EndpointSlice/default/web-1',
      'IngressClass//tidegate',
      'Ingress/default/shop',
      'GatewayClass//tidegate',
      'Gateway/default/gw',
      'HTTPRoute/default/web',
      'HTTPRoute/team-a/api',
      // Referenced by the Gateway (one across namespaces) and by the Ingress.
      'Secret/default/gw-cert',
      'Secret/team-a/shared',
      'Secret/default/shop-tls',
      // Referenced by the BackendTLSPolicy, the HTTPRouteFilter and (across namespaces) an Ingress annotation.
      'ConfigMap/default/backend-ca',
      'ConfigMap/default/descriptors',
      'ConfigMap/team-a/headers',
    ]) {
      expect(k).toContain(key);
    }
    expect(k).not.toContain('Secret/default/unreferenced');
    expect(k).not.toContain('ConfigMap/default/unreferenced-cm');
    expect(find(s, 'ConfigMap/default/descriptors')).toMatchObject({ apiVersion: 'v1', binaryData: { 'set.pb': Buffer.from('not really').toString('base64') } });
    const ingress = find(s, 'Ingress/default/shop')!;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.status).toBeUndefined();
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.metadata).not.toHaveProperty('managedFields');
    expect(ingress.metadata).not.toHaveProperty('resourceVersion');
    // Sorted by kind, namespace, name.
    const sorted = [...k].sort((a, b) => {
      const [ka, na, ma] = a.split('/');
      const [kb, nb, mb] = b.split('/');
      return ka! < kb! ? -1 : ka! > kb! ? 1 : na! < nb! ? -1 : na! > nb! ? 1 : ma! < mb! ? -1 : ma! > mb! ? 1 : 0;
    });
    expect(k).toEqual(sorted);
  });

  it('publishes a Secret when a reference to it appears and drops it when the reference goes', async () => {
    const p = provider();
    await p.start();
    const route = (refs: unknown[]) => ({
      apiVersion: 'tidegate.io/v1alpha1',
      kind: 'BackendPolicy',
      metadata: { name: 'web', namespace: 'default' },
      spec: { targetRefs: [{ kind: 'Service', name: 'web' }], tls: refs.length ? { caCertificateRef: refs[0] } : {} },
    });
    await api.apply(route([{ name: 'unreferenced' }]));
    await waitForValue(p.resources, (s) => keys(s).includes('Secret/default/unreferenced'), 15_000, 'the newly referenced Secret');
    await api.apply(route([]));
    await waitForValue(p.resources, (s) => !keys(s).includes('Secret/default/unreferenced'), 15_000, 'the Secret to go');
    await api.remove({ apiVersion: 'tidegate.io/v1alpha1', kind: 'BackendPolicy', metadata: { name: 'web', namespace: 'default' } });
  });

  it('publishes changes to a referenced ConfigMap, and a ConfigMap only while a reference to it exists', async () => {
    const p = provider();
    await p.start();
    const seen = recordValues(p.resources);
    // A change to an unreferenced ConfigMap is not published (checked below, after the next publish).
    await api.apply(configMap('unreferenced-cm', 'default', { a: 'changed' }));
    await api.apply(configMap('backend-ca', 'default', { 'ca.crt': 'v2' }));
    await waitForValue(p.resources, (s) => (find(s, 'ConfigMap/default/backend-ca')?.data as Record<string, string> | undefined)?.['ca.crt'] === 'v2', 15_000, 'the updated ConfigMap');
    await api.apply(configMap('headers', 'team-a', { 'x-team': 'a', 'x-more': 'b' }));
    await waitForValue(p.resources, (s) => (find(s, 'ConfigMap/team-a/headers')?.data as Record<string, string> | undefined)?.['x-more'] === 'b', 15_000, 'the updated cross-namespace ConfigMap');
    seen.stop();
    for (const s of seen.values) expect(keys(s)).not.toContain('ConfigMap/default/unreferenced-cm');

    await api.apply(transcoder('unreferenced-cm', 'second'));
    await waitForValue(p.resources, (s) => keys(s).includes('ConfigMap/default/unreferenced-cm'), 15_000, 'the newly referenced ConfigMap');
    expect(find(p.resources.value, 'ConfigMap/default/unreferenced-cm')?.data).toEqual({ a: 'changed' });
    await api.remove({ apiVersion: 'tidegate.io/v1alpha1', kind: 'HTTPRouteFilter', metadata: { name: 'second', namespace: 'default' } });
    await waitForValue(p.resources, (s) => !keys(s).includes('ConfigMap/default/unreferenced-cm'), 15_000, 'the ConfigMap to go');
    await api.apply(configMap('backend-ca', 'default', { 'ca.crt': 'v1' }), configMap('headers', 'team-a', { 'x-team': 'a' }));
  });

  it('watches one namespace with --watch-namespace (cluster-scoped kinds still, Namespaces only that one)', async () => {
    const p = provider({ watchNamespace: 'team-a' });
    await p.start();
    const k = keys(p.resources.value);
    expect(k).toContain('HTTPRoute/team-a/api');
    expect(k).toContain('GatewayClass//tidegate');
    expect(k).not.toContain('HTTPRoute/default/web');
    expect(k.filter((x) => x.startsWith('Namespace/'))).toEqual(['Namespace//team-a']);
    expect(k.some((x) => x.split('/')[1] === 'default')).toBe(false);
  });

  it('treats a kind whose CRD is missing as empty, and picks it up once the CRD is installed', async () => {
    const widget: WatchedKind = { group: 'example.tidegate.io', versions: ['v1'], kind: 'Widget', plural: 'widgets', namespaced: true, optional: true };
    const p = provider({ kinds: [...WATCHED_KINDS.filter((k) => k.kind === 'Service'), widget] });
    await p.start();
    expect(keys(p.resources.value)).toContain('Service/default/web');
    expect(keys(p.resources.value).every((k) => k.startsWith('Service/'))).toBe(true);
    await api.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.tidegate.io' },
      spec: {
        group: 'example.tidegate.io',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const created = async (): Promise<boolean> => {
      try {
        await api.apply({ apiVersion: 'example.tidegate.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { a: 1 } });
        return true;
      } catch {
        return false; // the CRD is not established yet
      }
    };
    for (let i = 0; i < 100 && !(await created()); i++) await new Promise((r) => setTimeout(r, 100));
    await waitForValue(p.resources, (s) => keys(s).includes('Widget/default/w'), 15_000, 'the Widget');
  });
});

describe('surviving the API server', () => {
  it('never publishes a partial state across an API server restart, and resumes watching', async () => {
    const p = provider();
    await p.start();
    const before = keys(p.resources.value);
    expect(before.length).toBeGreaterThan(10);
    const seen = recordValues(p.resources);
    await api.restart({ downMs: 1000 });
    await api.apply({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'after-restart', namespace: 'default' }, spec: { hostnames: ['x.example.com'] } });
    await waitForValue(p.resources, (s) => keys(s).includes('HTTPRoute/default/after-restart'), 30_000, 'a change made after the restart');
    seen.stop();
    for (const s of seen.values) for (const key of before) expect(keys(s)).toContain(key);
    await api.remove({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name: 'after-restart', namespace: 'default' } });
  });
});

describe('status write-back', () => {
  const gatewayStatus = (programmed: boolean, reason = programmed ? 'Programmed' : 'Invalid') => ({
    kind: 'Gateway',
    namespace: 'default',
    name: 'gw',
    status: {
      addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 1 },
        { type: 'Programmed', status: programmed ? 'True' : 'False', reason, message: 'ok', observedGeneration: 1 },
      ],
    },
  });
  const routeStatus = {
    kind: 'HTTPRoute',
    namespace: 'default',
    name: 'web',
    status: { parents: [{ parentRef: { name: 'gw' }, controllerName: 'tidegate.io/gateway-controller', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok' }] }] },
  };
  const conditionsOf = async (kind: string, name: string) =>
    ((await api.get(GW, kind, name, 'default'))?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? [];

  beforeAll(async () => {
    // Another controller's entry on the route, and old transition times on the Gateway.
    await api.client.request('PATCH', '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/web/status', {
      contentType: 'application/merge-patch+json',
      body: { status: { parents: [{ parentRef: { name: 'other-gw' }, controllerName: 'example.com/other', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: OLD }] }] } },
    });
    await api.client.request('PATCH', '/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw/status', {
      contentType: 'application/merge-patch+json',
      body: { status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: OLD }, { type: 'Programmed', status: 'False', reason: 'Pending', message: '', lastTransitionTime: OLD }] } },
    });
  });

  it('writes status through the status subresource only when it changed, stamping transition times', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const p = provider();
    await p.start();
    await p.writeStatus([gatewayStatus(true), routeStatus]);
    await p.statusIdle();
    const conditions = await conditionsOf('Gateway', 'gw');
    // Accepted stayed True: its time is kept. Programmed went False → True: stamped now.
    expect(conditions.find((c) => c.type === 'Accepted')?.lastTransitionTime).toBe(OLD);
    expect(conditions.find((c) => c.type === 'Programmed')?.lastTransitionTime! >= start.replace(/\.\d+Z$/, 'Z')).toBe(true);
    const route = (await api.get(GW, 'HTTPRoute', 'web', 'default'))?.status as { parents: Array<{ controllerName: string }> };
    expect(route.parents.map((x) => x.controllerName).sort()).toEqual(['example.com/other', 'tidegate.io/gateway-controller']);

    // The same status again (and an informer echo of our own writes): nothing is sent.
    const writes = p.statusWrites;
    await new Promise((r) => setTimeout(r, 300));
    await p.writeStatus([gatewayStatus(true), routeStatus]);
    await p.statusIdle();
    expect(p.statusWrites).toBe(writes);

    // A new reason with the same status keeps the time.
    const programmedAt = conditions.find((c) => c.type === 'Programmed')?.lastTransitionTime;
    await p.writeStatus([gatewayStatus(true, 'StillProgrammed'), routeStatus]);
    await p.statusIdle();
    const after = await conditionsOf('Gateway', 'gw');
    expect(after.find((c) => c.type === 'Programmed')).toMatchObject({ reason: 'StillProgrammed', lastTransitionTime: programmedAt });

    // The route no longer concerns us: only our parent entry goes.
    await p.writeStatus([gatewayStatus(true, 'StillProgrammed')]);
    await p.statusIdle();
    const route2 = (await api.get(GW, 'HTTPRoute', 'web', 'default'))?.status as { parents: Array<{ controllerName: string }> };
    expect(route2.parents.map((x) => x.controllerName)).toEqual(['example.com/other']);
  });

  it('writes Ingress status.loadBalancer and does not loop on fields the Ingress API does not store', async () => {
    const p = provider();
    await p.start();
    const ingress = {
      kind: 'Ingress',
      namespace: 'default',
      name: 'shop',
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] }, conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }] },
    };
    await p.writeStatus([ingress]);
    await p.statusIdle();
    const got = await api.get('networking.k8s.io/v1', 'Ingress', 'shop', 'default');
    expect(got?.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });
    const writes = p.statusWrites;
    for (let i = 0; i < 3; i++) {
      await p.writeStatus([{ ...ingress }]);
      await p.statusIdle();
    }
    expect(p.statusWrites).toBe(writes);
  });

  it('only the Lease holder writes; when it stops, another replica takes over', async () => {
    const le = { namespace: 'default', name: 'status-test', leaseDurationSeconds: 2, retryPeriodMs: 200, renewDeadlineMs: 1500 };
    const a = provider({ leaderElection: { ...le, identity: 'a' } });
    await a.start();
    await waitForValue(a.elector!.leading, (v) => v, 10_000, 'a to lead');
    const b = provider({ leaderElection: { ...le, identity: 'b' } });
    await b.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(b.isLeader()).toBe(false);
    await b.writeStatus([gatewayStatus(false, 'FromB')]);
    await b.statusIdle();
    expect(b.statusWrites).toBe(0);
    const lease = await api.client.request<{ spec: { holderIdentity: string } }>('GET', '/apis/coordination.k8s.io/v1/namespaces/default/leases/status-test');
    expect(lease.spec.holderIdentity).toBe('a');

    await a.stop();
    await waitForValue(b.elector!.leading, (v) => v, 10_000, 'b to take over');
    await b.statusIdle();
    const conditions = await conditionsOf('Gateway', 'gw');
    expect(conditions.find((c) => c.type === 'Programmed')?.reason).toBe('FromB');
  });
});
