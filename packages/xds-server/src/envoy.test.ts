// A real Envoy on our ADS server, SotW and Delta: all types ACKed, clusters moved without warming stalls or 503s, one NACK, no resend loop.
import * as http from 'node:http';
import { TypeUrl } from '@tidegate/envoy-api';
import { findEnvoy, startEnvoy, type RunningEnvoy } from './test-support/envoy';
import { eventually, metricValue, startHarness, type Harness } from './test-support/harness';
import { get, startBackend, startLoad, type Backend, type LoadResult } from './test-support/http-load';
import { cla, cluster, listener, resourceSet, routeConfig } from './test-support/resources';
import type { XdsAckEvent } from './types';

const envoyBin = findEnvoy();
const describeWithEnvoy = envoyBin ? describe : describe.skip;
const GROUP = 'envoy-group';
const ALL_TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];

async function totalPushes(h: Harness): Promise<number> {
  let sum = 0;
  for (const type of ['CDS', 'EDS', 'LDS', 'RDS', 'SDS']) sum += await metricValue(h.registry, 'tidegate_xds_pushes_total', { type });
  return sum;
}

describeWithEnvoy('a real Envoy', () => {
  let h: Harness;
  let envoy: RunningEnvoy | undefined;
  let backends: Backend[] = [];

  afterEach(async () => {
    await envoy?.stop();
    envoy = undefined;
    await h.close();
    await Promise.all(backends.map((b) => b.close()));
    backends = [];
  });

  it.each(['GRPC', 'DELTA_GRPC'] as const)(
    'ACKs every type, moves and updates clusters without warming stalls, and NACKs a bad cluster once with no resend loop (%s)',
    async (apiType) => {
      h = await startHarness();
      const acks: XdsAckEvent[] = [];
      const nacks: XdsAckEvent[] = [];
      h.server.onAck((e) => acks.push(e));
      h.server.onNack((e) => nacks.push(e));
      h.cache.set(GROUP, resourceSet(cluster('web'), cla('web'), listener('http', 'routes'), routeConfig('routes', 'web')));
      envoy = await startEnvoy({ bin: envoyBin!, xdsPort: h.port, nodeId: `envoy-${apiType}`, group: GROUP, apiType });
      const current = envoy;

      await eventually(
        () => ALL_TYPES.every((t) => acks.some((a) => a.typeUrl === t)),
        10_000,
        `ACKs for every type (got ${acks.map((a) => a.typeUrl).join(', ')}); envoy log:\n${current.log()}`,
      );
      expect(acks.every((a) => a.nodeId === `envoy-${apiType}` && a.group === GROUP)).toBe(true);
      expect(nacks).toEqual([]);
      const clusters = await current.adminGet('/clusters');
      expect(clusters).toContain('web::127.0.0.1:9');
      const listeners = await current.adminGet('/listeners');
      expect(listeners).toContain('http::127.0.0.1:');

      // Move the route to a new cluster: the old one goes once the routes no longer use it.
      h.cache.set(GROUP, resourceSet(cluster('api'), cla('api', [['127.0.0.1', 8]]), listener('http', 'routes'), routeConfig('routes', 'api')));
      await eventually(async () => {
        const text = await current.adminGet('/clusters');
        return text.includes('api::127.0.0.1:8') && !text.includes('web::');
      }, 5000, `cluster switch; envoy log:\n${current.log()}`);
      // An updated EDS cluster is re-created by Envoy and must not stay warming.
      h.cache.set(GROUP, resourceSet(cluster('api', { connectTimeoutMs: 2500 }), cla('api', [['127.0.0.1', 8]]), listener('http', 'routes'), routeConfig('routes', 'api')));
      await eventually(async () => {
        const dump = JSON.parse(await current.adminGet('/config_dump?resource=dynamic_active_clusters')) as { configs?: Array<{ cluster?: { connect_timeout?: string } }> };
        return dump.configs?.some((c) => c.cluster?.connect_timeout === '2.500s') ?? false;
      }, 5000, `updated cluster active; envoy log:\n${current.log()}`);
      const warming = JSON.parse(await current.adminGet('/config_dump?resource=dynamic_warming_clusters')) as { configs?: unknown[] };
      expect(warming.configs ?? []).toEqual([]);
      expect(await current.adminGet('/clusters')).toContain('api::127.0.0.1:8');
      await eventually(() => h.server.syncStatus().every((r) => !r.pending), 5000, 'all ACKed');
      expect(nacks).toEqual([]);

      // Encodable, but Envoy's validation rejects a non-positive connect_timeout.
      h.cache.set(GROUP, resourceSet(cluster('api', { connectTimeoutMs: -1000 }), cla('api', [['127.0.0.1', 8]]), listener('http', 'routes'), routeConfig('routes', 'api')));
      await eventually(() => nacks.length > 0, 5000, `a NACK; envoy log:\n${current.log()}`);
      expect(nacks[0]).toMatchObject({ typeUrl: TypeUrl.Cluster, nodeId: `envoy-${apiType}`, protocol: apiType === 'GRPC' ? 'sotw' : 'delta' });
      expect(nacks[0]!.message).toMatch(/duration/i);
      const pushesAfterNack = await totalPushes(h);
      await new Promise((r) => setTimeout(r, 1000));
      expect(nacks).toHaveLength(1);
      expect(await totalPushes(h)).toBe(pushesAfterNack);
      const cds = h.server.syncStatus().find((r) => r.type === 'CDS');
      expect(cds?.lastNack?.version).toBe(nacks[0]!.version);
      // Envoy still runs the last good cluster.
      expect(await current.adminGet('/clusters')).toContain('api::127.0.0.1:8');
    },
    30_000,
  );

  // Regression: a snapshot that adds a cluster and routes to it made Envoy answer 503 while
  // the route reached it before the new cluster's endpoints (the cluster was still warming).
  it.each(['GRPC', 'DELTA_GRPC'] as const)(
    'serves every request while routes move 20 times to clusters added in the same snapshot (%s)',
    async (apiType) => {
      h = await startHarness();
      backends = await Promise.all(['a', 'odd', 'even'].map((name) => startBackend(name)));
      const [a, odd, even] = backends as [Backend, Backend, Backend];
      const routedTo = (name: string, backend: Backend) =>
        resourceSet(cluster(name), cla(name, [['127.0.0.1', backend.port]]), listener('http', 'routes'), routeConfig('routes', name));
      h.cache.set(GROUP, routedTo('a', a));
      envoy = await startEnvoy({ bin: envoyBin!, xdsPort: h.port, nodeId: `envoy-load-${apiType}`, group: GROUP, apiType });
      const current = envoy;

      const probe = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const probeFailures: string[] = [];
      const served = async (port: number, name: string): Promise<boolean> => {
        const res = await get(port, probe);
        if (res.status !== 200) probeFailures.push(`${res.status} ${res.body.slice(0, 100)}`);
        return res.body === name;
      };
      let port = 0;
      await eventually(async () => {
        port = Number(/http::127\.0\.0\.1:(\d+)/.exec(await current.adminGet('/listeners'))?.[1] ?? 0);
        return port > 0 && (await get(port, probe)).body === 'a';
      }, 10_000, `listener serving "a"; envoy log:\n${current.log()}`);

      // Every switch adds c-k and drops c-(k-1); the next starts once Envoy serves c-k.
      const load = startLoad({ port, concurrency: 4, maxMs: 6000, maxRequests: 20_000 });
      let switches = 0;
      let result: LoadResult;
      try {
        for (let k = 1; k <= 20; k++) {
          const backend = k % 2 === 1 ? odd : even;
          h.cache.set(GROUP, routedTo(`c-${k}`, backend));
          await eventually(() => served(port, backend.name), 3000, `c-${k} served; envoy log:\n${current.log()}`);
          switches++;
        }
      } finally {
        result = await load.stop();
        probe.destroy();
      }
      expect(switches).toBe(20);
      expect({ failures: Object.fromEntries(result.failures), samples: result.samples, probeFailures }).toEqual({
        failures: {},
        samples: [],
        probeFailures: [],
      });
      expect(result.requests).toBeGreaterThan(100); // about 25 per switch on a laptop: the 503 window is covered
      expect(await metricValue(h.registry, 'tidegate_xds_ordering_timeouts_total')).toBe(0);
      // The dropped clusters go once the routes stopped using them.
      await eventually(async () => {
        const text = await current.adminGet('/clusters');
        return /^c-20::/m.test(text) && !/^c-19::/m.test(text) && !/^a::/m.test(text);
      }, 5000, 'old clusters removed');
    },
    30_000,
  );
});
