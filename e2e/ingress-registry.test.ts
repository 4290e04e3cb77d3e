// Ingress to McpBridge registry hosts (Higress `higress.io/destination` + McpBridge resource backend) through
// real Envoy: standalone from files, and a Tidegate watching a real kube-apiserver (McpBridge from the API server).
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { docs } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { k8s, startKubeApiServer, startKubeTidegate, type KubeApiServer, type KubeTidegate } from './support/kube';
import { countBackends } from './support/registry';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(90_000);

const MCP_BRIDGE_BACKEND = { resource: { apiGroup: 'networking.higress.io', kind: 'McpBridge', name: 'default' } };

/** An McpBridge whose static registries each point at one echo backend (`<name>.static`, port 80). */
function bridge(echoes: Record<string, EchoServer>, extra: Array<Record<string, unknown>> = []): Record<string, unknown> {
  return {
    apiVersion: 'networking.higress.io/v1',
    kind: 'McpBridge',
    metadata: { name: 'default', namespace: 'higress-system' },
    spec: {
      registries: [...Object.entries(echoes).map(([name, e]) => ({ name, type: 'static', domain: `127.0.0.1:${e.port}`, port: 80 })), ...extra],
    },
  };
}

/** An Ingress of class tidegate whose `/` goes to the McpBridge, with `higress.io/destination`. */
function registryIngress(name: string, destination: string, host?: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations: { 'higress.io/destination': destination } },
    spec: {
      ingressClassName: 'tidegate',
      rules: [{ ...(host ? { host } : {}), http: { paths: [{ path: '/', pathType: 'Prefix', backend: MCP_BRIDGE_BACKEND }] } }],
    },
  };
}

const yaml = (...objects: Array<Record<string, unknown>>): string => docs(...objects.map((o) => JSON.stringify(o)));

describe('standalone', () => {
  let tg: StandaloneHarness;
  let port: number;
  const echoes: Record<string, EchoServer> = {};

  beforeAll(async () => {
    for (const name of ['blue', 'green']) echoes[name] = await startEcho({ name });
    port = await freePort();
    tg = await startStandalone(
      {
        'bridge.yaml': yaml(bridge(echoes)),
        'ingresses.yaml': yaml(
          registryIngress('weighted', '30% blue.static\n70% green.static:80'),
          registryIngress('nowhere', 'nowhere.static', 'nowhere.test'),
        ),
      },
      { ingress: { ingressClass: 'tidegate', httpPort: port, httpsPort: await freePort() } },
    );
  });

  afterAll(async () => {
    await tg?.close();
    for (const e of Object.values(echoes)) await e.close();
  });

  it('splits an Ingress path over two registry hosts as the annotation says: 30% ± 5% over 1,000 requests', async () => {
    await waitFor(async () => (await httpRequest(port, '/').catch(() => undefined))?.status === 200, 30_000, 'the registry Ingress to answer');
    const counts = await countBackends(port, '/', 1000);
    expect((counts.blue ?? 0) + (counts.green ?? 0)).toBe(1000);
    expect(counts.blue! / 1000).toBeGreaterThanOrEqual(0.25);
    expect(counts.blue! / 1000).toBeLessThanOrEqual(0.35);
  });

  it('answers 503 for a host no registry has, with an error naming the Ingress, the annotation and its value', async () => {
    expect((await httpRequest(port, '/', { host: 'nowhere.test' })).status).toBe(503);
    const errors = tg.errors() as Array<{ object: { kind: string; name: string }; code: string; message: string }>;
    expect(errors).toContainEqual(
      expect.objectContaining({
        object: expect.objectContaining({ kind: 'Ingress', name: 'nowhere' }),
        code: 'backend-not-found',
        message: 'Ingress default/nowhere: higress.io/destination="nowhere.static": registry service nowhere.static not found',
      }),
    );
  });
});

describe('kubernetes', () => {
  let api: KubeApiServer;
  let tidegate: KubeTidegate;
  let port: number;
  let closedPort: number;
  const echoes: Record<string, EchoServer> = {};

  beforeAll(async () => {
    for (const name of ['red', 'yellow']) echoes[name] = await startEcho({ name });
    [port, closedPort] = [await freePort(), await freePort()];
    const httpsPort = await freePort();
    api = await startKubeApiServer();
    await api.apply(k8s.namespace('higress-system'), k8s.ingressClass());
    tidegate = await startKubeTidegate(api, { ingress: { httpPort: port, httpsPort } });
  }, 120_000);

  afterAll(async () => {
    await tidegate?.close();
    await api?.stop();
    for (const e of Object.values(echoes)) await e.close();
  });

  it('routes an Ingress to the registry hosts of an McpBridge created in the API server', async () => {
    // A Nacos registry too (nothing listens there): the registry provider must get it from the API server.
    const nacos = { name: 'nacos', type: 'nacos', domain: '127.0.0.1', port: closedPort, nacosRefreshInterval: 1_000_000_000 };
    await api.apply(bridge(echoes, [nacos]), registryIngress('kube-weighted', '50% red.static\n50% yellow.static'));
    const seen = new Set<string>();
    await waitFor(async () => {
      const r = await httpRequest(port, '/').catch(() => undefined);
      if (r?.status === 200) seen.add(String(r.json?.backend));
      return seen.size === 2;
    }, 45_000, 'answers from both registry hosts');
    await waitFor(() => tidegate.plane.registryStatus().some((s) => s.key === 'higress-system/default/nacos'), 30_000, 'the Nacos registry to be watched');
  });
});
