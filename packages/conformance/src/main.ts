// `node packages/conformance/dist/main.js`: the Gateway API conformance suite against Tidegate, real Envoy and a real kube-apiserver.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { configureLogging, getLogger, type LogLevel } from '@tidegate/common';
import { locateEnvoy } from '@tidegate/envoy-runner';
import { freePorts, startKubeApiServer, type KubeApiServer } from '@tidegate/providers';
import { REPO_ROOT, conformanceComponents } from './components';
import { startControllerManager, type ControllerManager } from './controller-manager';
import { GatewayRunner } from './gateway-runner';
import { PodRunner } from './pod-runner';
import { sleep } from './kube-watch';
import { ChildWatchdog } from './watchdog';

const log = getLogger('conformance');

const GATEWAY_CLASS = 'tidegate';
/** The profiles this harness can serve (Mesh profiles need a mesh). */
const PROFILES = ['GATEWAY-HTTP', 'GATEWAY-GRPC', 'GATEWAY-TLS'] as const;
type Profile = (typeof PROFILES)[number];
const CONTROLLER_NAME = 'tidegate.io/gateway-controller';
/** Each Gateway's Envoy binds its own address of this loopback block (the controller's --address-pool). */
const ADDRESS_POOL = '127.10.0.0/16';

interface Flags {
  profiles: string;
  supportedFeatures?: string;
  runTest?: string;
  skipTests?: string;
  report?: string;
  install: boolean;
  keep: boolean;
  logLevel: LogLevel;
  debug: boolean;
}

const program = new Command('tidegate-conformance')
  .description('run the Gateway API conformance suite (unmodified) against Tidegate with real Envoy and a real kube-apiserver')
  .option('--profiles <list>', 'comma-separated conformance profiles', PROFILES.join(','))
  .option('--supported-features <list>', 'claim these features instead of what the GatewayClass status reports (the suite\'s -supported-features)')
  .option('--run-test <name>', 'run one test (the suite\'s -run-test), e.g. HTTPRouteSimpleSameNamespace')
  .option('--skip-tests <list>', 'comma-separated tests to skip (the suite\'s -skip-tests)')
  .option('--report <file>', 'where the suite writes its report (default packages/conformance/report.yaml, or report-<profiles>.yaml for some profiles; none with --run-test)')
  .option('--no-install', 'do not build missing components (scripts/install-conformance.sh, scripts/install-kube.sh)')
  .option('--keep', 'keep the work folder (logs of the API server, controller, Envoys, Pods)', false)
  .option('--debug', 'the suite\'s -debug (logs every request and response)', false)
  .option('--log-level <level>', 'harness log level', 'info')
  .action(async (flags: Flags) => {
    configureLogging(flags.logLevel);
    process.exitCode = await run(flags);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tidegate-conformance: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

async function run(flags: Flags): Promise<number> {
  const profiles = flags.profiles.split(',').map((p) => p.trim()) as Profile[];
  const unknown = profiles.filter((p) => !PROFILES.includes(p));
  if (unknown.length) throw new Error(`unknown profile(s) ${unknown.join(', ')}; known: ${PROFILES.join(', ')}`);
  if (flags.install) installKube();
  const comps = conformanceComponents(flags.install);
  const envoy = await locateEnvoy({});
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-conformance-'));
  log.info({ workDir }, 'work folder');

  const watchdog = new ChildWatchdog(workDir);
  if (!flags.keep) watchdog.addDir(workDir);
  const cleanups: Array<() => Promise<void>> = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const c of cleanups.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'cleanup step failed'));
      watchdog.disarm();
      if (!flags.keep) fs.rmSync(workDir, { recursive: true, force: true });
    })());
  let suite: ChildProcess | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal (a terminal's ^C reaches the whole process group) must not cut the cleanup short.
    if (signalled) return;
    signalled = true;
    log.warn({ signal }, 'stopping');
    suite?.kill('SIGTERM');
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const api: KubeApiServer = await startKubeApiServer({ gatewayApi: 'experimental' });
    cleanups.push(() => api.stop());
    watchdog.addMatching(path.dirname(api.kubeconfigPath));
    watchdog.addDir(path.dirname(api.kubeconfigPath));
    log.info({ server: api.server }, 'kube-apiserver ready');

    const kcm: ControllerManager = startControllerManager(comps.controllerManager, api.kubeconfigPath, path.join(workDir, 'kube-controller-manager.log'));
    cleanups.push(() => kcm.stop());
    watchdog.add(kcm.pid);

    await api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: GATEWAY_CLASS }, spec: { controllerName: CONTROLLER_NAME } });

    const [xdsPort, adminPort] = await freePorts(2);

    const controller = startController(api.kubeconfigPath, xdsPort!, adminPort!, path.join(workDir, 'controller.log'));
    cleanups.push(() => stopChild(controller));
    watchdog.add(controller.pid);
    await waitReady(`http://127.0.0.1:${adminPort}/readyz`, controller, 120_000);
    log.info({ xdsPort, adminPort }, 'tidegate controller ready');
    // The suite reads the features to test from the GatewayClass status when it starts.
    const claimed = await claimedFeatures(api, 60_000);
    log.info({ features: claimed }, 'GatewayClass accepted; features it claims');

    const pods = new PodRunner({ client: api.client, echoBasic: comps.echoBasic, nodeName: 'tidegate-conformance', workDir: path.join(workDir, 'pods') });
    cleanups.push(() => pods.stop());
    await pods.start();
    const gateways = new GatewayRunner({ client: api.client, envoyBinary: envoy.path, xds: { host: '127.0.0.1', port: xdsPort! }, gatewayClassName: GATEWAY_CLASS, onEnvoyStarted: (pid) => watchdog.add(pid) });
    cleanups.push(() => gateways.stop());
    await gateways.start();

    const report = flags.runTest ? undefined : path.resolve(flags.report ?? defaultReport(profiles));
    const args = suiteArgs(profiles, flags, report);
    log.info({ args }, 'running the conformance suite');
    suite = spawn(comps.suite, args, {
      cwd: workDir,
      env: { ...process.env, KUBECONFIG: api.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    watchdog.add(suite.pid);
    const suiteLog = fs.createWriteStream(path.join(workDir, 'suite.log'));
    suite.stdout!.on('data', (c: Buffer) => {
      process.stdout.write(c);
      suiteLog.write(c);
    });
    suite.stderr!.on('data', (c: Buffer) => {
      process.stderr.write(c);
      suiteLog.write(c);
    });
    const code = await new Promise<number>((resolve) => suite!.once('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
    suiteLog.end();
    if (flags.keep) log.info({ workDir }, 'logs kept');
    if (report && fs.existsSync(report)) printSummary(report);
    return code;
  } finally {
    await cleanup();
  }
}

/** `report.yaml` for the full run; a run of some profiles gets its own file. */
function defaultReport(profiles: readonly Profile[]): string {
  const all = PROFILES.every((p) => profiles.includes(p));
  return path.join(REPO_ROOT, 'packages/conformance', all ? 'report.yaml' : `report-${profiles.join('-').toLowerCase()}.yaml`);
}

function suiteArgs(profiles: Profile[], flags: Flags, report: string | undefined): string[] {
  const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages/tidegate/package.json'), 'utf8')) as { version: string }).version;
  return [
    '-test.run=^TestConformance$',
    '-test.v',
    '-test.timeout=3h',
    `-gateway-class=${GATEWAY_CLASS}`,
    `-conformance-profiles=${profiles.join(',')}`,
    // Without -supported-features the suite tests what the GatewayClass status claims ("Inferred" in the report).
    ...(flags.supportedFeatures ? [`-supported-features=${flags.supportedFeatures}`] : []),
    '-organization=tidegate',
    '-project=tidegate',
    '-url=https://github.com/tidegate/tidegate',
    `-version=v${version}`,
    '-contact=tidegate maintainers',
    '-cleanup-base-resources=true',
    ...(flags.debug ? ['-debug'] : []),
    ...(flags.runTest ? [`-run-test=${flags.runTest}`] : []),
    ...(flags.skipTests ? [`-skip-tests=${flags.skipTests}`] : []),
    ...(report ? [`-report-output=${report}`] : []),
  ];
}

/** kube-apiserver and etcd (scripts/install-kube.sh is idempotent and fast when they are there). */
function installKube(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/install-kube.sh'), 'all'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** `tidegate controller` from the build (npx tsc -b), each Gateway on an address of its own. */
function startController(kubeconfig: string, xdsPort: number, adminPort: number, logFile: string): ChildProcess {
  const cli = path.join(REPO_ROOT, 'packages/tidegate/dist/cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -b)`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      cli,
      'controller',
      `--kubeconfig=${kubeconfig}`,
      `--xds-port=${xdsPort}`,
      `--admin-port=${adminPort}`,
      `--address-pool=${ADDRESS_POOL}`,
      '--listen-address=127.0.0.1',
      '--log-level=info',
    ],
    { stdio: ['ignore', out, out], env: { ...process.env, POD_NAMESPACE: 'default' } },
  );
  fs.closeSync(out);
  return child;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000; i++) {
    if (child.exitCode !== null) throw new Error(`tidegate controller exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`tidegate controller not ready after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Waits for the controller to accept the GatewayClass and list its supported features there. */
async function claimedFeatures(api: KubeApiServer, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000; i++) {
    const gwc = (await api.get('gateway.networking.k8s.io/v1', 'GatewayClass', GATEWAY_CLASS)) as
      | { status?: { conditions?: Array<{ type: string; status: string }>; supportedFeatures?: Array<{ name: string }> } }
      | undefined;
    const accepted = gwc?.status?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True');
    const features = gwc?.status?.supportedFeatures?.map((f) => f.name) ?? [];
    if (accepted && features.length) return features;
    if (Date.now() > deadline) throw new Error(`GatewayClass ${GATEWAY_CLASS} not accepted with supportedFeatures after ${timeoutMs} ms`);
    await sleep(250);
  }
  return [];
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface ReportProfile {
  name: string;
  core?: { result: string; statistics: { Passed: number; Failed: number; Skipped: number }; failedTests?: string[]; skippedTests?: string[] };
  extended?: { result: string; statistics: { Passed: number; Failed: number; Skipped: number }; failedTests?: string[]; supportedFeatures?: string[]; unsupportedFeatures?: string[] };
}

/** One line per profile and the closing totals line. */
function printSummary(file: string): void {
  const report = parse(fs.readFileSync(file, 'utf8')) as { profiles?: ReportProfile[] };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines: string[] = [`conformance report: ${path.relative(REPO_ROOT, file)}`];
  for (const p of report.profiles ?? []) {
    for (const [part, r] of [['core', p.core], ['extended', p.extended]] as const) {
      if (!r) continue;
      const s = r.statistics;
      passed += s.Passed;
      failed += s.Failed;
      skipped += s.Skipped;
      lines.push(`  ${p.name} ${part}: ${r.result} (${s.Passed} passed, ${s.Failed} failed, ${s.Skipped} skipped)${r.failedTests?.length ? ` failed: ${r.failedTests.join(', ')}` : ''}`);
    }
  }
  lines.push(`conformance: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
