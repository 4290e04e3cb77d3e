// Ingress at scale: 10,000 Ingresses (20,000 paths, 2,000 hosts). Translation time (resources → IR → encoded
// snapshot, with the YAML parsing reported apart), control-plane RSS (fresh child process), and one changed
// Ingress among them until real Envoy serves it (p50/p99).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstValueFrom } from 'rxjs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { ControlPlane } from '@tidegate/tidegate';
import { startEcho } from '@tidegate/testkit';
import { buildResourceSet, translateIngress, translateProxyGroup, type IngressTranslateOptions } from '@tidegate/translator';
import { INGRESS_ESTATE, benchIngress, benchIngressFiles, benchIngressHost } from './ingress-config';
import { median, mib, percentile, record } from './report';
import { freePort, httpStatus, until } from './probe';

const CHANGES = 30;
const OPTIONS: IngressTranslateOptions = {
  ingressClass: 'tidegate',
  controllerName: 'tidegate.io/ingress-controller',
  gateway: { name: 'tidegate/ingress', address: '127.0.0.1', httpPort: 18080, httpsPort: 18443 },
};
const LABEL = `${INGRESS_ESTATE.ingresses.toLocaleString('en')} Ingresses (${(INGRESS_ESTATE.ingresses * 2).toLocaleString('en')} paths, ${INGRESS_ESTATE.hosts.toLocaleString('en')} hosts)`;

export async function benchIngressAll(): Promise<void> {
  translation();
  await ingressRss();
  await ingressConvergence();
}

function parseFiles(files: Record<string, string>): SourcedObject[] {
  return Object.entries(files).flatMap(([file, text]) =>
    parseAllDocuments(text).flatMap((doc, document) => {
      const object = doc.toJS() as KubeObject | null;
      return object ? [{ object, source: { file, document } }] : [];
    }),
  );
}

function translation(): void {
  const files = benchIngressFiles(INGRESS_ESTATE);
  const parse: number[] = [];
  const ingress: number[] = [];
  const envoy: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < 4; run++) {
    let t0 = performance.now();
    const objects = parseFiles(files); // fresh objects: nothing cached from the previous run
    parse.push(performance.now() - t0);
    t0 = performance.now();
    const result = translateIngress(objects, OPTIONS);
    ingress.push(performance.now() - t0);
    const group = result.proxyGroups[0];
    if (!group || result.errors.length) throw new Error(`benchmark Ingresses did not translate cleanly: ${JSON.stringify(result.errors.slice(0, 3))}`);
    t0 = performance.now();
    const built = buildResourceSet(translateProxyGroup(group));
    envoy.push(performance.now() - t0);
    if (!built.ok) throw new Error(`benchmark config failed checks: ${JSON.stringify(built.issues.slice(0, 3))}`);
    t0 = performance.now();
    translateIngress(objects, OPTIONS); // same objects again, as after a change elsewhere
    warm.push(performance.now() - t0);
  }
  // The first run warms the JIT; the median of the other three is reported.
  const m = (xs: number[]) => median(xs.slice(1));
  record({ name: `Ingress: ${LABEL} → IR → encoded snapshot (cold objects)`, value: m(ingress) + m(envoy), unit: 'ms', target: 2000 });
  record({ name: '  of which Ingress → IR (translateIngress)', value: m(ingress), unit: 'ms' });
  record({ name: '  of which IR → checked, encoded Envoy snapshot', value: m(envoy), unit: 'ms' });
  record({ name: '  Ingress → IR again on unchanged objects (schema results cached)', value: m(warm), unit: 'ms' });
  record({ name: '  not included: YAML parsing of the same objects (file provider)', value: m(parse), unit: 'ms' });
}

async function ingressRss(): Promise<void> {
  const child = fork(path.join(__dirname, 'ingress-rss-child.js'), [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<{ rss: number; startMs: number; groups: number; routes: number; errors: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`ingress rss child exited with ${code}`)));
  });
  await new Promise((r) => child.once('exit', r));
  if (result.groups !== 1 || result.errors !== 0 || result.routes !== INGRESS_ESTATE.ingresses * 2) {
    throw new Error(`expected 1 group, ${INGRESS_ESTATE.ingresses * 2} routes and no errors; got ${JSON.stringify(result)}`);
  }
  record({ name: `Ingress: start → first snapshot, ${LABEL} (file provider)`, value: result.startMs, unit: 'ms' });
  record({ name: `Ingress: control-plane RSS with ${LABEL} loaded`, value: mib(result.rss), unit: 'MiB', target: 400 });
}

/** Ingress 0 lives in its own file; each change gives it a new path, then we wait until Envoy serves it. */
async function ingressConvergence(): Promise<void> {
  const echo = await startEcho({ name: 'bench' });
  const estate = { ...INGRESS_ESTATE, backendPort: echo.port };
  const httpPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-ingress-bench-'));
  for (const [name, text] of Object.entries(benchIngressFiles(estate, 100, true))) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'probe.yaml'), benchIngress(0, estate));
  const plane = new ControlPlane({
    configDir: dir,
    xds: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    defaultListenAddress: '127.0.0.1',
    ingress: { ingressClass: 'tidegate', httpPort, httpsPort: await freePort() },
    envoy: { protocol: 'delta', adminPortBase: 0, logLevel: 'error', drainSeconds: 0 },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const host = benchIngressHost(0, estate);
  try {
    const t0 = performance.now();
    await plane.start();
    await until(async () => (await httpStatus(httpPort, host, '/app-0/a', agent)) === 200, 180_000);
    record({ name: `Ingress: start → real Envoy serves ${LABEL}`, value: performance.now() - t0, unit: 'ms' });
    const latencies: number[] = [];
    const controlPlane: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const t1 = performance.now();
      // The control plane's share: file event, parsing, translation and encoding, until the snapshot is published.
      const published = firstValueFrom(plane.published).then(() => controlPlane.push(performance.now() - t1));
      fs.writeFileSync(path.join(dir, 'probe.yaml'), benchIngress(0, estate, i));
      await until(async () => (await httpStatus(httpPort, host, `/probe-${i}`, agent)) === 200, 30_000);
      latencies.push(performance.now() - t1);
      await published;
    }
    record({ name: `Ingress: one changed Ingress among ${INGRESS_ESTATE.ingresses.toLocaleString('en')} → Envoy serves it: p50 (${CHANGES} changes)`, value: percentile(latencies, 50), unit: 'ms' });
    record({ name: `Ingress: one changed Ingress among ${INGRESS_ESTATE.ingresses.toLocaleString('en')} → Envoy serves it: p99 (${CHANGES} changes)`, value: percentile(latencies, 99), unit: 'ms', target: 500 });
    record({ name: '  of which file change → snapshot published (control plane): p50', value: percentile(controlPlane, 50), unit: 'ms' });
    record({ name: '  of which file change → snapshot published (control plane): p99', value: percentile(controlPlane, 99), unit: 'ms' });
  } finally {
    agent.destroy();
    await plane.stop();
    await echo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

