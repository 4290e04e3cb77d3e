// Child process of the Kubernetes benchmark: a controller with bundled Envoys watching the benchmark API server.
import * as http from 'node:http';
import type { KubernetesProvider } from '@tidegate/providers';
import { ControlPlane } from '@tidegate/tidegate';

async function main(): Promise<void> {
  const [kubeconfig, gatewayPort, ingressPort] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
  const plane = new ControlPlane({
    kubernetes: { kubeconfig, leaderElection: { namespace: 'default', retryPeriodMs: 500 } },
    ingress: { ingressClass: 'tidegate', httpPort: ingressPort, httpsPort: ingressPort + 1 },
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'error', drainSeconds: 0 },
  });
  const t0 = performance.now();
  await plane.start();
  const snapshotMs = performance.now() - t0;
  // First complete push: both Envoys serve a route from the last object of each kind.
  await until(async () => (await status(gatewayPort, 'route-999.example.com', '/')) === 200 && (await status(ingressPort, 'ing-1999.example.com', '/p9999')) === 200, 120_000);
  const servedMs = performance.now() - t0;
  const provider = plane.providers.find((p) => p.name === 'kubernetes') as KubernetesProvider;
  await until(async () => provider.isLeader(), 30_000);
  await provider.statusIdle();
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  process.send?.({ snapshotMs, servedMs, rss: process.memoryUsage().rss, objects: provider.resources.value?.objects.length, statusWrites: provider.statusWrites });
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await plane.stop();
}

function status(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
