// Fan-out: 500 ADS clients connected; a new 1,000-route snapshot; time until every client ACKed every type.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { buildResourceSet, translateProxyGroup } from '@tidegate/translator';
import { SnapshotCache, XdsServer } from '@tidegate/xds-server';
import { syntheticProxyGroup } from './generate';
import { record } from './report';

const CLIENTS = 500;
const TYPES = 4; // CDS, EDS, LDS, RDS

function snapshot(routes: number, clusters: number, salt: string) {
  const group = syntheticProxyGroup(routes, clusters);
  // A different header value makes every route (and so the RDS version) new.
  for (const vh of group.httpListeners[0]!.virtualHosts) for (const r of vh.routes) r.requestHeaders = { set: [{ name: 'x-version', value: salt }] };
  // One route configuration, as the simulated clients ask for `http` by name (this measures
  // the fan-out of a whole-table change, the largest push a route change can cause).
  const built = buildResourceSet(translateProxyGroup(group, { scopedRoutesMinHosts: 0 }));
  if (!built.ok) throw new Error(JSON.stringify(built.issues.slice(0, 3)));
  return built.value;
}

export async function benchFanout(): Promise<void> {
  const clusters = 1_000;
  const cache = new SnapshotCache();
  const server = new XdsServer({ cache });
  const port = await server.listen('127.0.0.1', 0);
  cache.set('bench/gateway', snapshot(1_000, clusters, 'v1'));
  const child = fork(path.join(__dirname, 'fanout-clients.js'), [`127.0.0.1:${port}`, String(CLIENTS), String(clusters)], { stdio: 'inherit' });
  try {
    const connectStart = performance.now();
    await waitUntil(() => server.connectedProxies().length === CLIENTS && allAcked(server, CLIENTS), 60_000);
    record({ name: `fan-out: ${CLIENTS} ADS clients connected and synced (initial)`, value: performance.now() - connectStart, unit: 'ms' });

    const next = snapshot(1_000, clusters, 'v2');
    const t0 = performance.now();
    cache.set('bench/gateway', next);
    const before = new Map(server.syncStatus().map((s) => [`${s.nodeId}|${s.type}`, s.versionAcked]));
    // Only the routes changed, so done when every client ACKed a new RDS version and nothing is in flight.
    await waitUntil(() => {
      const status = server.syncStatus();
      return (
        status.length === CLIENTS * TYPES &&
        status.every((s) => !s.pending && s.versionAcked === s.versionSent && (s.type !== 'RDS' || s.versionAcked !== before.get(`${s.nodeId}|${s.type}`)))
      );
    }, 60_000);
    record({ name: `fan-out: new 1,000-route snapshot ACKed by all ${CLIENTS} clients`, value: performance.now() - t0, unit: 'ms', target: 2000 });
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await server.close();
  }
}

function allAcked(server: XdsServer, clients: number): boolean {
  const status = server.syncStatus();
  return status.length === clients * TYPES && status.every((s) => s.versionAcked !== '' && s.versionAcked === s.versionSent);
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`benchmark condition not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
