// The Helm chart: `helm template` output is valid for a real API server (server-side dry run), and its RBAC is enough and no more.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { parseAllDocuments } from 'yaml';
import { TypeUrl } from '@tidegate/envoy-api';
import { KubeApiError, KubeClient, KubernetesProvider, kubeComponents } from '@tidegate/providers';
import { SnapshotCache, XdsServer, identityOfCertificate } from '@tidegate/xds-server';
import { listener, resourceSet } from '../packages/xds-server/src/test-support/resources';
import { TestXdsClient } from '../packages/xds-server/src/test-support/xds-client';
import { waitFor } from './support/http';
import { k8s, startKubeApiServer, type KubeApiServer } from './support/kube';

jest.setTimeout(60_000);

const CHART = path.join(__dirname, '..', 'deploy', 'helm', 'tidegate');
const NS = 'tidegate-system';
type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

let api: KubeApiServer;

/** `helm template` with `--set` values, parsed into objects. */
function render(...set: string[]): Obj[] {
  return helmTemplate([], set);
}

/** `helm template --dry-run=server`: like an install or upgrade, `lookup` sees what the API server holds. */
function renderAgainstServer(...set: string[]): Obj[] {
  return helmTemplate(['--dry-run=server', '--kubeconfig', api.kubeconfigPath], set);
}

function helmTemplate(extra: string[], set: string[]): Obj[] {
  const helm = kubeComponents().helm;
  if (!fs.existsSync(helm)) throw new Error(`helm is not installed at ${helm}: run scripts/install-kube.sh helm (npm test does)`);
  const version = kubeComponents().kubeVersion;
  const args = ['template', 'tidegate', CHART, '--namespace', NS, '--include-crds', '--kube-version', version, ...extra, ...set.flatMap((s) => ['--set', s])];
  const out = execFileSync(helm, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => !!o);
}

const byKind = (objects: Obj[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const o of objects) (out[o.kind] ??= []).push(o.metadata.name);
  return out;
};

beforeAll(async () => {
  api = await startKubeApiServer();
  await api.apply(k8s.namespace(NS), k8s.namespace('team-a'));
}, 120_000);
afterAll(() => api?.stop());

it('renders with default values into objects the API server accepts (server-side dry run)', async () => {
  const objects = render();
  const kinds = byKind(objects);
  expect(kinds.Deployment?.sort()).toEqual(['tidegate-controller', 'tidegate-gateway']);
  expect(kinds.Service?.sort()).toEqual(['tidegate-controller', 'tidegate-gateway']);
  expect(kinds.GatewayClass).toEqual(['tidegate']);
  expect(kinds.IngressClass).toEqual(['tidegate']);
  expect(kinds.CustomResourceDefinition).toEqual(expect.arrayContaining(['backendpolicies.tidegate.io', 'clienttrafficpolicies.tidegate.io', 'grpctargets.tidegate.io', 'securitypolicies.tidegate.io', 'httproutefilters.tidegate.io']));
  for (const o of objects) await api.dryRunApply(o);
  // Dry run stored nothing.
  expect(await api.get('apps/v1', 'Deployment', 'tidegate-controller', NS)).toBeUndefined();
});

it('renders a single-namespace install with extra gateways, also accepted', async () => {
  const objects = render(
    'watchNamespace=team-a',
    'controller.replicas=3',
    'extraGateways[0].name=public',
    'extraGateways[0].proxyGroup=team-a/public',
    'extraGateways[0].ports[0].name=http',
    'extraGateways[0].ports[0].port=80',
    'extraGateways[0].ports[0].containerPort=8000',
  );
  const kinds = byKind(objects);
  expect(kinds.Role?.sort()).toEqual(['tidegate-controller', 'tidegate-controller-leader-election']);
  expect(kinds.Deployment?.sort()).toEqual(['tidegate-controller', 'tidegate-gateway', 'tidegate-gateway-public']);
  const controller = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'tidegate-controller') as any;
  expect(controller.spec.replicas).toBe(3);
  expect(controller.spec.template.spec.containers[0].args).toContain('--watch-namespace=team-a');
  for (const o of objects) await api.dryRunApply(o);
});

it("binds the controller's admin port to the pod's loopback; probes and the Service use the metrics port, which serves /metrics alone", () => {
  const objects = render();
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'tidegate-controller') as any;
  const container = deployment.spec.template.spec.containers[0];
  expect(container.args).toEqual(expect.arrayContaining(['--admin-address=127.0.0.1', '--admin-port=15014', '--metrics-address=0.0.0.0', '--metrics-port=15020']));
  expect(container.args.filter((a: string) => a.startsWith('--admin-address='))).toEqual(['--admin-address=127.0.0.1']);
  // Nothing offers the admin port beyond the pod: no container port, no Service port.
  expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).not.toContain(15014);
  expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
  expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
  expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 15020 });
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'tidegate-controller') as any;
  expect(svc.spec.ports.map((p: { port: number }) => p.port)).not.toContain(15014);
  expect(svc.spec.ports).toContainEqual({ name: 'http-metrics', port: 15020, targetPort: 'metrics' });
});

it("gives the controller exactly what it needs: it syncs, writes status and its Lease, and can change nothing else", async () => {
  const rbacKinds = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
  await api.apply(...render().filter((o) => rbacKinds.has(o.kind)));
  await api.apply(k8s.gatewayClass(), k8s.gateway('gw', 8080), k8s.ingressClass(), k8s.ingress('shop', 'shop.example.com', 'web'));
  // A ConfigMap the configuration references (response headers, across namespaces): the controller must be able to watch it.
  const headers = k8s.ingress('headers', 'headers.example.com', 'web');
  await api.apply(
    { ...headers, metadata: { ...headers.metadata, annotations: { 'nginx.ingress.kubernetes.io/custom-headers': 'team-a/headers' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'headers', namespace: 'team-a' }, data: { 'x-team': 'a' } },
  );
  const token = async (sa: string): Promise<string> =>
    (
      await api.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`, {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
      })
    ).status.token;
  const controllerConfig = api.kubeConfigForToken(await token('tidegate-controller'));

  const provider = new KubernetesProvider({ kubeconfig: controllerConfig, leaderElection: { namespace: NS, retryPeriodMs: 200 } });
  try {
    await provider.start();
    expect(provider.resources.value!.objects.map((o) => o.object.kind)).toEqual(expect.arrayContaining(['Gateway', 'Ingress', 'IngressClass', 'Namespace', 'ConfigMap']));
    await waitFor(() => provider.isLeader(), 10_000, 'the Lease');
    await provider.writeStatus([
      { kind: 'Gateway', namespace: 'default', name: 'gw', status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'rbac test' }] } },
      { kind: 'Ingress', namespace: 'default', name: 'shop', status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } },
    ]);
    await provider.statusIdle();
    const gw = await api.get('gateway.networking.k8s.io/v1', 'Gateway', 'gw', 'default');
    expect((gw?.status as any).conditions[0].message).toBe('rbac test');
    expect((await api.get('networking.k8s.io/v1', 'Ingress', 'shop', 'default'))?.status).toEqual({ loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } });
  } finally {
    await provider.stop();
  }

  // Nothing beyond status: no spec changes, no reads of unrelated kinds, no other Leases.
  const asController = new KubeClient(controllerConfig);
  const forbidden = async (method: string, p: string, body?: unknown): Promise<number> => {
    try {
      await asController.request(method, p, body === undefined ? {} : { body, contentType: 'application/merge-patch+json' });
      return 200;
    } catch (err) {
      return err instanceof KubeApiError ? err.status : -1;
    }
  };
  expect(await forbidden('PATCH', '/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw', { metadata: { labels: { x: 'y' } } })).toBe(403);
  expect(await forbidden('DELETE', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/shop')).toBe(403);
  // Secrets and ConfigMaps: list and watch (the provider publishes only those configuration references), no get, no writes.
  expect(await forbidden('GET', '/api/v1/namespaces/default/configmaps')).toBe(200);
  expect(await forbidden('GET', '/api/v1/namespaces/team-a/configmaps/headers')).toBe(403);
  expect(await forbidden('GET', '/api/v1/namespaces/default/secrets/anything')).toBe(403);
  expect(await forbidden('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } })).toBe(403);
  expect(await forbidden('PATCH', '/api/v1/namespaces/team-a/configmaps/headers', { data: { 'x-team': 'b' } })).toBe(403);
  expect(await forbidden('DELETE', '/api/v1/namespaces/team-a/configmaps/headers')).toBe(403);
  expect(await forbidden('PATCH', '/api/v1/namespaces/default/secrets/anything', { data: {} })).toBe(403);
  expect(await forbidden('GET', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/someone-else`)).toBe(403);

  // The gateway pods' account can do nothing at all.
  const asGateway = new KubeClient(api.kubeConfigForToken(await token('tidegate-gateway')));
  await expect(asGateway.request('GET', '/api/v1/namespaces/default/services')).rejects.toMatchObject({ status: 403 });
});

describe('xDS over mutual TLS', () => {
  const PUBLIC = ['extraGateways[0].name=public', 'extraGateways[0].proxyGroup=team-a/public', 'extraGateways[0].ports[0].name=http', 'extraGateways[0].ports[0].port=80', 'extraGateways[0].ports[0].containerPort=8000'];
  const find = (objects: Obj[], kind: string, name: string): any => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`${kind} ${name} was not rendered`);
    return o;
  };
  const data = (objects: Obj[], secret: string, key: string): string => Buffer.from(find(objects, 'Secret', secret).data[key], 'base64').toString('utf8');
  const certOf = (objects: Obj[], secret: string, key = 'tls.crt'): X509Certificate => new X509Certificate(data(objects, secret, key));
  const cn = (c: X509Certificate): string | undefined => c.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);
  const secretNames = ['tidegate-xds-ca', 'tidegate-controller-xds-tls', 'tidegate-gateway-xds-tls', 'tidegate-gateway-public-xds-tls'];

  it('provisions a CA, the controller certificate and one client certificate per gateway, mounts them and passes the flags', async () => {
    const objects = render(...PUBLIC);
    expect(byKind(objects).Secret?.sort()).toEqual([...secretNames].sort());
    const ca = certOf(objects, 'tidegate-xds-ca');
    expect(ca.ca).toBe(true);

    const server = certOf(objects, 'tidegate-controller-xds-tls');
    const svc = `tidegate-controller.${NS}`;
    expect(server.subjectAltName).toBe(`DNS:tidegate-controller, DNS:${svc}, DNS:${svc}.svc, DNS:${svc}.svc.cluster.local`);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    // Not usable as a gateway's identity should it leak.
    expect(identityOfCertificate({ subjectaltname: server.subjectAltName, subject: { CN: cn(server) } }).ok).toBe(false);

    for (const [secret, group] of [['tidegate-gateway-xds-tls', 'tidegate/ingress'], ['tidegate-gateway-public-xds-tls', 'team-a/public']] as const) {
      const leaf = certOf(objects, secret);
      expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
      expect(identityOfCertificate({ subjectaltname: leaf.subjectAltName, subject: { CN: cn(leaf) } })).toMatchObject({ ok: true, value: { group } });
      expect(data(objects, secret, 'ca.crt')).toBe(ca.toString());
      expect(leaf.checkPrivateKey(createPrivateKey(data(objects, secret, 'tls.key')))).toBe(true);
    }

    const controller = find(objects, 'Deployment', 'tidegate-controller').spec.template.spec;
    expect(controller.containers[0].args).toEqual(
      expect.arrayContaining([
        '--xds-address=127.0.0.1',
        '--xds-tls-address=0.0.0.0',
        '--xds-tls-port=15012',
        '--xds-tls-cert=/etc/tidegate/xds-tls/tls.crt',
        '--xds-tls-key=/etc/tidegate/xds-tls/tls.key',
        '--xds-tls-ca=/etc/tidegate/xds-tls/ca.crt',
      ]),
    );
    expect(controller.volumes).toEqual([{ name: 'xds-tls', secret: { secretName: 'tidegate-controller-xds-tls' } }]);
    expect(controller.containers[0].volumeMounts).toEqual([{ name: 'xds-tls', mountPath: '/etc/tidegate/xds-tls', readOnly: true }]);
    // Plaintext xDS is on loopback: neither the pod nor the Service offers it.
    expect(controller.containers[0].ports.map((p: { name: string }) => p.name)).toEqual(['xds-tls', 'metrics']);
    expect(find(objects, 'Service', 'tidegate-controller').spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['grpc-xds-tls', 15012],
      ['http-metrics', 15020],
    ]);

    for (const [deployment, group] of [['tidegate-gateway', 'tidegate/ingress'], ['tidegate-gateway-public', 'team-a/public']] as const) {
      const pod = find(objects, 'Deployment', deployment).spec.template.spec;
      expect(pod.containers[0].args).toEqual(
        expect.arrayContaining([
          `--xds-address=tidegate-controller.${NS}.svc:15012`,
          `--proxy-group=${group}`,
          '--xds-tls-cert=/etc/tidegate/xds-tls/tls.crt',
          '--xds-tls-key=/etc/tidegate/xds-tls/tls.key',
          '--xds-tls-ca=/etc/tidegate/xds-tls/ca.crt',
        ]),
      );
      expect(pod.volumes).toContainEqual({ name: 'xds-tls', secret: { secretName: `${deployment}-xds-tls` } });
    }
    // The CA key is mounted nowhere.
    const mounted = objects.filter((o) => o.kind === 'Deployment').flatMap((o: any) => o.spec.template.spec.volumes ?? []);
    expect(mounted.map((v: any) => v.secret?.secretName)).not.toContain('tidegate-xds-ca');
    for (const o of objects) await api.dryRunApply(o);
  });

  it("the chart's certificates work end to end: the xDS server serves a gateway its group and only that", async () => {
    const objects = render(...PUBLIC);
    const cache = new SnapshotCache();
    cache.set('tidegate/ingress', resourceSet(listener('ingress-listener', 'r')));
    cache.set('team-a/public', resourceSet(listener('public-listener', 'r')));
    const server = new XdsServer({ cache });
    const clients: TestXdsClient[] = [];
    try {
      const port = await server.listenTls('127.0.0.1', 0, {
        cert: data(objects, 'tidegate-controller-xds-tls', 'tls.crt'),
        key: data(objects, 'tidegate-controller-xds-tls', 'tls.key'),
        ca: data(objects, 'tidegate-controller-xds-tls', 'ca.crt'),
      });
      const client = (secret: string): TestXdsClient => {
        const creds = grpc.credentials.createSsl(Buffer.from(data(objects, secret, 'ca.crt')), Buffer.from(data(objects, secret, 'tls.key')), Buffer.from(data(objects, secret, 'tls.crt')));
        // What `tidegate envoy` checks too: the name gateways dial is in the controller's certificate.
        const c = new TestXdsClient(port, creds, { 'grpc.ssl_target_name_override': `tidegate-controller.${NS}.svc` });
        clients.push(c);
        return c;
      };
      const served = client('tidegate-gateway-xds-tls').sotw().send({ node: { id: 'pod-1', cluster: 'tidegate/ingress' }, type_url: TypeUrl.Listener });
      expect((await served.next(5000)).names).toEqual(['ingress-listener']);
      served.cancel();
      const impostor = client('tidegate-gateway-xds-tls').sotw().send({ node: { id: 'pod-2', cluster: 'team-a/public' }, type_url: TypeUrl.Listener });
      expect((await impostor.ended(5000)).code).toBe(grpc.status.PERMISSION_DENIED);
      const pub = client('tidegate-gateway-public-xds-tls').sotw().send({ node: { id: 'pod-3', cluster: 'team-a/public' }, type_url: TypeUrl.Listener });
      expect((await pub.next(5000)).names).toEqual(['public-listener']);
      pub.cancel();
    } finally {
      for (const c of clients) c.close();
      await server.close();
    }
  });

  it('keeps the certificates across upgrades (lookup) and issues only what is new or renamed', async () => {
    const secretsOf = (objects: Obj[]) => objects.filter((o) => o.kind === 'Secret');
    const first = render(...PUBLIC);
    try {
      await api.apply(...secretsOf(first));
      const again = renderAgainstServer(...PUBLIC);
      for (const name of secretNames) expect({ name, data: find(again, 'Secret', name).data }).toEqual({ name, data: find(first, 'Secret', name).data });

      // A new gateway, and an existing one now serving another group.
      const upgraded = renderAgainstServer(
        ...PUBLIC.map((s) => (s === 'extraGateways[0].proxyGroup=team-a/public' ? 'extraGateways[0].proxyGroup=team-a/public-v2' : s)),
        'extraGateways[1].name=internal',
        'extraGateways[1].proxyGroup=team-a/internal',
        'extraGateways[1].ports[0].name=http',
        'extraGateways[1].ports[0].port=80',
        'extraGateways[1].ports[0].containerPort=8001',
      );
      for (const name of ['tidegate-xds-ca', 'tidegate-controller-xds-tls', 'tidegate-gateway-xds-tls']) {
        expect({ name, data: find(upgraded, 'Secret', name).data }).toEqual({ name, data: find(first, 'Secret', name).data });
      }
      const ca = certOf(first, 'tidegate-xds-ca');
      const renamed = certOf(upgraded, 'tidegate-gateway-public-xds-tls');
      expect(cn(renamed)).toBe('team-a/public-v2');
      expect(renamed.checkIssued(ca) && renamed.verify(ca.publicKey)).toBe(true);
      const added = certOf(upgraded, 'tidegate-gateway-internal-xds-tls');
      expect(cn(added)).toBe('team-a/internal');
      expect(added.checkIssued(ca) && added.verify(ca.publicKey)).toBe(true);
    } finally {
      for (const o of secretsOf(first)) await api.remove(o);
    }
  });

  it('without TLS, opens plaintext xDS to the gateways as before; exposePlaintextXds opens it beside TLS', () => {
    const plain = render('xdsTls.enabled=false');
    expect(byKind(plain).Secret).toBeUndefined();
    const controller = find(plain, 'Deployment', 'tidegate-controller').spec.template.spec.containers[0];
    expect(controller.args).toContain('--xds-address=0.0.0.0');
    expect(controller.args.filter((a: string) => a.startsWith('--xds-tls'))).toEqual([]);
    expect(find(plain, 'Service', 'tidegate-controller').spec.ports.map((p: { name: string }) => p.name)).toEqual(['grpc-xds', 'http-metrics']);
    const gw = find(plain, 'Deployment', 'tidegate-gateway').spec.template.spec;
    expect(gw.containers[0].args).toContain(`--xds-address=tidegate-controller.${NS}.svc:15010`);
    expect(gw.volumes.map((v: { name: string }) => v.name)).toEqual(['tmp']);

    const both = render('controller.exposePlaintextXds=true');
    expect(find(both, 'Deployment', 'tidegate-controller').spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['--xds-address=0.0.0.0', '--xds-tls-port=15012']),
    );
    expect(find(both, 'Service', 'tidegate-controller').spec.ports.map((p: { name: string }) => p.name)).toEqual(['grpc-xds', 'grpc-xds-tls', 'http-metrics']);
  });

  it('refuses a proxy group that a client certificate cannot name', () => {
    expect(() => render('extraGateways[0].name=bad', 'extraGateways[0].proxyGroup=NotAGroup', 'extraGateways[0].ports[0].name=http', 'extraGateways[0].ports[0].port=80', 'extraGateways[0].ports[0].containerPort=8000')).toThrow(
      /proxyGroup "NotAGroup" of gateway "gateway-bad" is not <namespace>\/<gateway name>/,
    );
  });
});
