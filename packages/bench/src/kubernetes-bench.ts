// Kubernetes at scale: 10,000 Ingresses and 1,000 HTTPRoutes in a real kube-apiserver. Controller start → first
// snapshot and → Envoy serving, controller RSS (fresh child process), and one changed HTTPRoute until Envoy serves it.
import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { startKubeApiServer, type KubeApiServer } from '@tidegate/providers';
import { createTestHost } from '@tidegate/testkit';
import { KUBE_ESTATE, baseObjects, httpRoute, ingress } from './kubernetes-objects';
import { mib, percentile, record } from './report';
import { freePort, httpStatus, until } from './probe';

const CHANGES = 50;
const LABEL = `${KUBE_ESTATE.ingresses.toLocaleString('en')} Ingresses + ${KUBE_ESTATE.httpRoutes.toLocaleString('en')} HTTPRoutes`;

interface ChildReport {
  snapshotMs: number;
  servedMs: number;
  rss: number;
  objects: number;
  statusWrites: number;
}

export async function benchKubernetes(): Promise<void> {
  // EndpointSlices may not hold loopback addresses: the backend runs on a test host (a network namespace of this run).
  const backendHost = await createTestHost();
  const [gatewayPort, ingressPort] = [await freePort(), await freePort()];
  let api: KubeApiServer | undefined;
  let child: ChildProcess | undefined;
  try {
    const echo = await backendHost.startEcho('bench');
    api = await startKubeApiServer();
    await api.apply(...baseObjects(gatewayPort, backendHost.address, echo.port));
    const t0 = performance.now();
    const objects = [
      ...Array.from({ length: KUBE_ESTATE.ingresses }, (_, i) => ingress(i)),
      ...Array.from({ length: KUBE_ESTATE.httpRoutes }, (_, i) => httpRoute(`route-${i}`, `route-${i}.example.com`)),
    ];
    await inParallel(objects, 16, (o) => api!.apply(o));
    process.stdout.write(`(created ${objects.length.toLocaleString('en')} objects in the API server in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

    child = fork(path.join(__dirname, 'kubernetes-child.js'), [api.kubeconfigPath, String(gatewayPort), String(ingressPort)], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const report = await Promise.race([
      new Promise<ChildReport>((resolve) => child!.once('message', (m) => resolve(m as ChildReport))),
      exited.then((code) => Promise.reject(new Error(`kubernetes bench child exited with ${code}`))),
    ]);
    record({ name: `controller start → first complete snapshot, ${LABEL}`, value: report.snapshotMs, unit: 'ms' });
    record({ name: `controller start → Envoy serving both kinds, ${LABEL}`, value: report.servedMs, unit: 'ms' });
    record({ name: `controller RSS, ${LABEL} (after ${report.statusWrites.toLocaleString('en')} status writes)`, value: mib(report.rss), unit: 'MiB' });

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const t = performance.now();
      await api.apply(httpRoute('route-0', 'route-0.example.com', `/probe-${i}/`));
      await until(async () => (await httpStatus(gatewayPort, 'route-0.example.com', `/probe-${i}/`, agent)) === 200, 10_000);
      latencies.push(performance.now() - t);
    }
    agent.destroy();
    record({ name: `one changed HTTPRoute → served, ${LABEL}: p50 (${CHANGES} changes)`, value: percentile(latencies, 50), unit: 'ms' });
    record({ name: `one changed HTTPRoute → served, ${LABEL}: p99 (${CHANGES} changes)`, value: percentile(latencies, 99), unit: 'ms' });
    child.kill('SIGTERM');
    await exited;
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await api?.stop();
    await backendHost.close();
  }
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

