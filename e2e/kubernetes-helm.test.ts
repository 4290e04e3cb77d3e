// The Helm chart: `helm template` output is valid for a real API server (server-side dry run), and its RBAC is enough and no more.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeApiError, KubeClient, KubernetesProvider, kubeComponents } from '@tidegate/providers';
import { waitFor } from './support/http';
import { k8s, startKubeApiServer, type KubeApiServer } from './support/kube';

jest.setTimeout(60_000);

const CHART = path.join(__dirname, '..', 'deploy', 'helm', 'tidegate');
const NS = 'tidegate-system';
type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

let api: KubeApiServer;

/** `helm template` with `--set` values, parsed into objects. */
function render(...set: string[]): Obj[] {
  const helm = kubeComponents().helm;
  if (!fs.existsSync(helm)) throw new Error(`helm is not installed at ${helm}: run scripts/install-kube.sh helm (npm test does)`);
  const version = kubeComponents().kubeVersion;
  const args = ['template', 'tidegate', CHART, '--namespace', NS, '--include-crds', '--kube-version', version, ...set.flatMap((s) => ['--set', s])];
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
  expect(kinds.CustomResourceDefinition).toEqual(expect.arrayContaining(['backendpolicies.tidegate.io', 'clienttrafficpolicies.tidegate.io', 'grpctargets.tidegate.io', 'httproutefilters.tidegate.io']));
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

it("gives the controller exactly what it needs: it syncs, writes status and its Lease, and can change nothing else", async () => {
  const rbacKinds = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
  await api.apply(...render().filter((o) => rbacKinds.has(o.kind)));
  await api.apply(k8s.gatewayClass(), k8s.gateway('gw', 8080), k8s.ingressClass(), k8s.ingress('shop', 'shop.example.com', 'web'));
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
    expect(provider.resources.value!.objects.map((o) => o.object.kind)).toEqual(expect.arrayContaining(['Gateway', 'Ingress', 'IngressClass', 'Namespace']));
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
  expect(await forbidden('GET', '/api/v1/namespaces/default/configmaps')).toBe(403);
  expect(await forbidden('GET', '/api/v1/namespaces/default/secrets/anything')).toBe(403); // list/watch only
  expect(await forbidden('GET', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/someone-else`)).toBe(403);

  // The gateway pods' account can do nothing at all.
  const asGateway = new KubeClient(api.kubeConfigForToken(await token('tidegate-gateway')));
  await expect(asGateway.request('GET', '/api/v1/namespaces/default/services')).rejects.toMatchObject({ status: 403 });
});
