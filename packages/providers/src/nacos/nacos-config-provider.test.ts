// NacosConfigProvider beyond the contract: data ids, last good config, Nacos going away and coming back.
import { stringify } from 'yaml';
import type { KubeObject } from '@tidegate/common';
import { waitForValue } from '../test-support/wait-for';
import { NacosConfigProvider, nacosDataId } from './nacos-config-provider';
import { publishConfigAndWait, startRnacos, type RnacosServer } from './test-support/rnacos';

jest.setTimeout(60_000);

let nacos: RnacosServer;
beforeAll(async () => {
  nacos = await startRnacos();
});
afterAll(async () => {
  await nacos?.close();
});

const route = (name: string, host: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default' },
  spec: { hostnames: [host] },
});

describe('nacosDataId', () => {
  it('is <kinds>.<namespace>.<name>, or <kinds>.<name> when cluster-scoped', () => {
    expect(nacosDataId(route('web', 'a'))).toBe('httproutes.default.web');
    expect(nacosDataId({ kind: 'GatewayClass', metadata: { name: 'tidegate' } })).toBe('gatewayclasses.tidegate');
    expect(nacosDataId({ kind: 'McpBridge', metadata: { name: 'default', namespace: 'higress-system' } })).toBe('mcpbridges.higress-system.default');
    expect(nacosDataId({ kind: 'BackendPolicy', metadata: { name: 'p', namespace: 'x' } })).toBe('backendpolicies.x.p');
    expect(nacosDataId({ kind: 'Ingress', metadata: { name: 'i', namespace: 'x' } })).toBe('ingresses.x.i');
  });
});

describe('NacosConfigProvider', () => {
  it('keeps the last good version of a config that stops parsing, and names the config in errors', async () => {
    const client = nacos.client();
    const group = 'last-good';
    await publishConfigAndWait(client, group, 'httproutes.default.web', stringify(route('web', 'one.example.com')));
    const provider = new NacosConfigProvider({ address: { host: nacos.host, port: nacos.httpPort }, group, pollIntervalMs: 50 });
    try {
      await provider.start();
      expect(provider.resources.value?.objects.map((o) => o.source)).toEqual([{ file: 'nacos:last-good/httproutes.default.web', document: 0 }]);
      await client.publishConfig('', group, 'httproutes.default.web', 'kind: HTTPRoute\nmetadata: {name: web\n');
      const broken = await waitForValue(provider.resources, (s) => s.errors.length > 0, 5000, 'a syntax error');
      expect(broken.objects.map((o) => (o.object.spec as { hostnames: string[] }).hostnames)).toEqual([['one.example.com']]);
      expect(broken.errors[0]?.message).toContain('serving the last version of nacos:last-good/httproutes.default.web');
    } finally {
      await provider.stop();
    }
  });

  it('keeps its state while Nacos is down and catches up when it is back', async () => {
    const client = nacos.client();
    const group = 'outage';
    await publishConfigAndWait(client, group, 'httproutes.default.a', stringify(route('a', 'a.example.com')));
    const provider = new NacosConfigProvider({ address: { host: nacos.host, port: nacos.httpPort }, group, pollIntervalMs: 50 });
    try {
      await provider.start();
      // A clean shutdown keeps the persistent configs intact for the restart (see rnacos-server.ts).
      await nacos.stop();
      await new Promise((r) => setTimeout(r, 300));
      expect(provider.resources.value?.objects.map((o) => o.object.metadata.name)).toEqual(['a']);
      await nacos.start();
      // Configs are persistent: after the restart the server still has `a`; add `b`.
      await client.publishConfig('', group, 'httproutes.default.b', stringify(route('b', 'b.example.com')));
      await waitForValue(provider.resources, (s) => s.objects.length === 2, 10_000, 'both routes after the restart');
    } finally {
      await provider.stop();
    }
  });

  it('fails start() when Nacos cannot be reached at all', async () => {
    const provider = new NacosConfigProvider({ address: { host: '127.0.0.1', port: 1 }, startTimeoutMs: 300, pollIntervalMs: 50 });
    await expect(provider.start()).rejects.toThrow(/cannot read Nacos configs/);
    await provider.stop();
  });
});
