// NacosProvider against a real r-nacos: discovery, filtering, polling, 2.x push, outages and recovery.
import type { KubeObject, ResourceSnapshot } from '@tidegate/common';
import { Topic } from '@tidegate/common';
import { waitForValue } from '../test-support/wait-for';
import { NacosProvider } from './nacos-provider';
import { startRnacos, type RnacosServer } from './test-support/rnacos';
import type { NacosRegistryTarget } from './types';

jest.setTimeout(60_000);

let nacos: RnacosServer;
beforeAll(async () => {
  nacos = await startRnacos();
});
afterAll(async () => {
  await nacos?.close();
});

let seq = 0;
/** A target on a fresh Nacos namespace, so tests do not see each other's services. */
function target(overrides: Partial<NacosRegistryTarget> = {}): NacosRegistryTarget {
  const namespaceId = `ns-${process.pid}-${++seq}`;
  return {
    key: `higress-system/default/r${seq}`,
    namespace: 'higress-system',
    bridge: 'default',
    registry: `r${seq}`,
    type: 'nacos',
    address: { host: nacos.host, port: nacos.httpPort },
    grpcPort: nacos.grpcPort,
    namespaceId,
    hostNamespace: namespaceId,
    groups: ['DEFAULT_GROUP'],
    refreshIntervalMs: 200,
    ...overrides,
  };
}

type Spec = { nacos: { group: string; service: string }; instances: Array<{ ip: string; port: number; weight: number; enabled: boolean }> };
const specs = (s: ResourceSnapshot): Spec[] => s.objects.map((o) => (o.object as KubeObject & { spec: Spec }).spec);
const services = (s: ResourceSnapshot): string[] => specs(s).map((x) => `${x.nacos.group}/${x.nacos.service}`);
const ports = (s: ResourceSnapshot, service: string): number[] =>
  (specs(s).find((x) => x.nacos.service === service)?.instances ?? []).map((i) => i.port);

async function withProvider(t: NacosRegistryTarget, fn: (p: NacosProvider) => Promise<void>): Promise<void> {
  const targets = new Topic<NacosRegistryTarget[]>('targets', [t]);
  const provider = new NacosProvider({ targets: targets.changes(), publishDebounceMs: 5 });
  try {
    await provider.start();
    await fn(provider);
  } finally {
    await provider.stop();
  }
}

describe('NacosProvider', () => {
  it('publishes services of the configured namespace and groups, skipping Dubbo consumers', async () => {
    const t = target({ groups: ['DEFAULT_GROUP', 'PAY_GROUP'] });
    const c = nacos.client();
    const ns = t.namespaceId;
    await c.registerInstance({ namespaceId: ns, service: 'orders', ip: '127.0.0.1', port: 1001, ephemeral: false });
    await c.registerInstance({ namespaceId: ns, group: 'PAY_GROUP', service: 'providers:com.a.Pay:1.0.0:', ip: '127.0.0.1', port: 1002, ephemeral: false, metadata: { protocol: 'tri' } });
    await c.registerInstance({ namespaceId: ns, group: 'PAY_GROUP', service: 'consumers:com.a.Pay:1.0.0:', ip: '127.0.0.1', port: 1003, ephemeral: false });
    await c.registerInstance({ namespaceId: ns, group: 'OTHER_GROUP', service: 'hidden', ip: '127.0.0.1', port: 1004, ephemeral: false });
    await c.registerInstance({ namespaceId: '', service: 'other-namespace', ip: '127.0.0.1', port: 1005, ephemeral: false });
    await withProvider(t, async (p) => {
      // Persistent instances are raft writes, applied asynchronously: wait rather than assume.
      const s = await waitForValue(p.resources, (x) => services(x).length === 2, 5000, 'both services');
      expect(services(s)).toEqual(['DEFAULT_GROUP/orders', 'PAY_GROUP/providers:com.a.Pay:1.0.0:']);
      const obj = s.objects[1]!.object;
      expect(obj.metadata).toEqual({ namespace: 'higress-system', name: `default/${t.registry}/PAY_GROUP/providers:com.a.Pay:1.0.0:` });
      expect((obj.spec as Spec & { instances: Array<{ metadata: unknown; ephemeral: boolean }> }).instances[0]).toMatchObject({
        ip: '127.0.0.1',
        port: 1002,
        weight: 1,
        healthy: true,
        enabled: true,
        ephemeral: false,
        metadata: { protocol: 'tri' },
      });
      await waitForValue(p.status, (st) => st[0]?.services === 2, 5000, 'status counts');
      expect(p.status.value).toEqual([expect.objectContaining({ key: t.key, stale: false, mode: 'poll', services: 2, instances: 2 })]);
    });
  });

  it('follows registrations, weight and enabled changes, and deregistrations by polling', async () => {
    const t = target();
    const c = nacos.client();
    const base = { namespaceId: t.namespaceId, service: 'web', ip: '127.0.0.1', ephemeral: false };
    await c.registerInstance({ ...base, port: 2001 });
    await withProvider(t, async (p) => {
      await c.registerInstance({ ...base, port: 2002, weight: 3 });
      await waitForValue(p.resources, (s) => ports(s, 'web').join() === '2001,2002', 5000, 'second instance');
      await c.updateInstance({ ...base, port: 2002, weight: 7 });
      await waitForValue(p.resources, (s) => specs(s)[0]?.instances[1]?.weight === 7, 5000, 'weight 7');
      await c.updateInstance({ ...base, port: 2002, enabled: false });
      // r-nacos leaves disabled instances out of the list; others report enabled: false. Either way: not enabled.
      await waitForValue(p.resources, (s) => !specs(s)[0]?.instances.some((i) => i.port === 2002 && i.enabled), 5000, 'disabled');
      await c.deregisterInstance({ ...base, port: 2001 });
      await waitForValue(p.resources, (s) => !ports(s, 'web').includes(2001), 5000, 'deregistered');
    });
  });

  it('keeps the last known services while Nacos is down, marks the registry stale, and recovers', async () => {
    const t = target();
    const c = nacos.client();
    const base = { namespaceId: t.namespaceId, service: 'stay', ip: '127.0.0.1', ephemeral: false };
    await c.registerInstance({ ...base, port: 3001 });
    await withProvider(t, async (p) => {
      const before = await waitForValue(p.resources, (x) => ports(x, 'stay').join() === '3001', 5000, 'the service');
      // A clean shutdown; the persistent instance must survive the restart (same store).
      await nacos.stop();
      await waitForValue(p.status, (s) => s[0]?.stale === true, 5000, 'stale');
      expect(p.resources.value).toBe(before); // nothing republished, certainly not an empty set
      await nacos.start();
      // Persistent instances survive the restart; a new one must show up without any help.
      await c.registerInstance({ ...base, port: 3002 });
      await waitForValue(p.resources, (s) => ports(s, 'stay').join() === '3001,3002', 10_000, 'change after restart');
      await waitForValue(p.status, (s) => s[0]?.stale === false, 5000, 'not stale');
      expect(p.status.value?.[0]?.failures).toBeGreaterThan(0);
    });
  });

  it('receives changes by 2.x gRPC push long before the next poll (nacos2)', async () => {
    const t = target({ type: 'nacos2', refreshIntervalMs: 60_000 });
    const c = nacos.client();
    const base = { namespaceId: t.namespaceId, service: 'pushed', ip: '127.0.0.1', ephemeral: false };
    await c.registerInstance({ ...base, port: 4001 });
    await withProvider(t, async (p) => {
      await waitForValue(p.status, (s) => s[0]?.mode === 'push', 10_000, 'push mode');
      await waitForValue(p.resources, (s) => ports(s, 'pushed').join() === '4001', 5000, 'subscribed state');
      const started = Date.now();
      await c.registerInstance({ ...base, port: 4002 });
      await waitForValue(p.resources, (s) => ports(s, 'pushed').join() === '4001,4002', 5000, 'pushed instance');
      expect(Date.now() - started).toBeLessThan(5000); // the poll interval is 60 s
    });
  });

  it('stops watching a registry that leaves the targets and drops its services', async () => {
    const t = target();
    const c = nacos.client();
    await c.registerInstance({ namespaceId: t.namespaceId, service: 'gone', ip: '127.0.0.1', port: 5001, ephemeral: false });
    const targets = new Topic<NacosRegistryTarget[]>('targets', [t]);
    const provider = new NacosProvider({ targets: targets.changes(), publishDebounceMs: 5 });
    try {
      await provider.start();
      await waitForValue(provider.resources, (x) => services(x).join() === 'DEFAULT_GROUP/gone', 5000, 'the service');
      targets.publish([]);
      await waitForValue(provider.resources, (s) => s.objects.length === 0, 5000, 'no services');
      expect(provider.status.value).toEqual([]);
    } finally {
      await provider.stop();
    }
  });
});

describe('NacosProvider with Nacos auth', () => {
  let secured: RnacosServer;
  const admin = { username: 'tidegate', password: 'not-so-secret' };
  beforeAll(async () => {
    secured = await startRnacos({
      env: { RNACOS_ENABLE_OPEN_API_AUTH: 'true', RNACOS_INIT_ADMIN_USERNAME: admin.username, RNACOS_INIT_ADMIN_PASSWORD: admin.password },
    });
    // r-nacos creates the initial user shortly after start-up (up to ~10 s on a slow raft election).
    const client = secured.client(admin);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await client.registerInstance({ service: 'guarded', ip: '127.0.0.1', port: 6001, ephemeral: false });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
  afterAll(async () => {
    await secured?.close();
  });

  const securedTarget = (type: 'nacos' | 'nacos2', credentials?: typeof admin): NacosRegistryTarget => ({
    ...target({ type, namespaceId: '', hostNamespace: 'public' }),
    address: { host: secured.host, port: secured.httpPort },
    grpcPort: secured.grpcPort,
    ...(credentials ? { credentials } : {}),
  });

  it('logs in with username and password (HTTP polling and gRPC push)', async () => {
    for (const type of ['nacos', 'nacos2'] as const) {
      await withProvider(securedTarget(type, admin), async (p) => {
        await waitForValue(p.resources, (x) => services(x).join() === 'DEFAULT_GROUP/guarded', 5000, 'the guarded service');
        await waitForValue(p.status, (st) => st[0]?.stale === false, 5000, 'fresh');
        if (type === 'nacos2') await waitForValue(p.status, (s) => s[0]?.mode === 'push', 10_000, 'push mode with a token');
      });
    }
  });

  it('without credentials it reads nothing and says so', async () => {
    await withProvider(securedTarget('nacos'), async (p) => {
      expect(p.resources.value?.objects).toEqual([]);
      expect(p.status.value?.[0]).toMatchObject({ stale: true, lastError: expect.stringMatching(/403/) });
    });
  });
});
