// The `tidegate` command line as users run it: separate processes, real Envoy, signals; from the checkout (npx, npm run build).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service, simpleRoute } from './support/fixtures';
import { CLI, cliEnv } from './support/cli';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress } from './support/ingress';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..');

let echo: EchoServer;
let dir: string;
let port: number;
const children: ChildProcess[] = [];

type Run = { child: ChildProcess; output: () => string; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

function run(args: string[]): Run {
  return runCommand(process.execPath, [CLI, ...args]);
}

function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? cliEnv(), cwd: options.cwd ?? ROOT });
  children.push(child);
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => ((out += c.toString()), (stdout += c.toString())));
  child.stderr!.on('data', (c: Buffer) => ((out += c.toString()), (stderr += c.toString())));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, stdout: () => stdout, stderr: () => stderr, exited };
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test does)`);
  echo = await startEcho({ name: 'cli-echo' });
  port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-cli-'));
  fs.writeFileSync(
    path.join(dir, 'all.yaml'),
    docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port]), simpleRoute('HTTPRoute', 'r', 'http', ['svc'])),
  );
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await echo?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('standalone serves through its bundled Envoy, reports status, and stops cleanly on SIGTERM', async () => {
  const [xds, admin] = [await freePort(), await freePort()];
  const tg = run(['standalone', '--config-dir', dir, '--xds-port', String(xds), '--admin-port', String(admin), '--envoy-admin-port', '0', '--listen-address', '127.0.0.1']);
  await waitFor(async () => (await httpRequest(port, '/hello')).json?.backend === 'cli-echo', 20_000, 'a request through the CLI-started Envoy');
  // JSON logs when stdout is not a terminal (the supervisor notices LIVE a moment after Envoy serves).
  await waitFor(() => tg.output().includes('"msg":"Envoy is LIVE"'), 5000, 'the LIVE log line');

  const status = run(['status', 'Gateway/default/gw', '-o', 'json', '--admin', `127.0.0.1:${admin}`]);
  expect(await status.exited).toBe(0);
  const report = JSON.parse(status.output());
  expect(report.statuses).toHaveLength(1);
  expect(report.statuses[0].status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Programmed', status: 'True' })]));

  tg.child.kill('SIGTERM');
  expect(await tg.exited).toBe(0);
  await expect(httpRequest(port, '/hello', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
});

it('controller and envoy run as separate processes, as in a cluster', async () => {
  const [xds, admin, envoyAdmin] = [await freePort(), await freePort(), await freePort()];
  const controller = run(['controller', '--config-dir', dir, '--xds-port', String(xds), '--admin-port', String(admin), '--listen-address', '127.0.0.1']);
  await waitFor(async () => (await httpRequest(admin, '/readyz')).status === 200, 15_000, 'controller readiness');
  const envoy = run(['envoy', '--xds-address', `127.0.0.1:${xds}`, '--node-id', 'gw-pod-1', '--proxy-group', 'default/gw', '--envoy-admin-port', String(envoyAdmin)]);
  await waitFor(async () => (await httpRequest(port, '/from-pod')).json?.backend === 'cli-echo', 20_000, 'the gateway pod to serve');
  const syncz = (await httpRequest(admin, '/debug/syncz')).json as Array<{ nodeId: string }>;
  expect(syncz.map((s) => s.nodeId)).toContain('gw-pod-1');
  envoy.child.kill('SIGTERM');
  controller.child.kill('SIGTERM');
  expect(await envoy.exited).toBe(0);
  expect(await controller.exited).toBe(0);
});

it('rejects a bad flag with a clear message', async () => {
  const bad = run(['standalone', '--config-dir', dir, '--xds-port', 'seventy']);
  expect(await bad.exited).not.toBe(0);
  expect(bad.output()).toContain('"seventy" is not a port');
});

describe('from the checkout', () => {
  it('`npx tidegate` runs the CLI (no registry lookup)', async () => {
    // As a user types it; npm_config_yes=false keeps npx from fetching a `tidegate` package when the link is missing.
    const npx = runCommand('npx', ['tidegate', '--help'], { env: { ...cliEnv(), npm_config_yes: 'false' } });
    expect({ code: await npx.exited, out: npx.output() }).toEqual({ code: 0, out: expect.stringContaining('Usage: tidegate') });
  });

  it("links a file of the checkout as the command (npm links it before the first build), which installs with ln -s", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'tidegate', 'package.json'), 'utf8')) as { bin: { tidegate: string } };
    const bin = path.join(ROOT, 'packages', 'tidegate', pkg.bin.tidegate);
    // npm ci skips a bin whose file is missing, and dist/ exists only after a build.
    expect(path.relative(path.join(ROOT, 'packages', 'tidegate'), bin).split(path.sep)[0]).not.toBe('dist');
    expect(fs.statSync(bin).mode & 0o111).toBe(0o111);
    // The README's install: a symlink on PATH.
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-bin-'));
    try {
      fs.symlinkSync(bin, path.join(binDir, 'tidegate'));
      const env = { ...cliEnv(), PATH: `${binDir}${path.delimiter}${process.env.PATH}` };
      const help = runCommand('tidegate', ['--version'], { cwd: os.tmpdir(), env });
      expect({ code: await help.exited, out: help.output().trim() }).toEqual({ code: 0, out: '0.1.0' });
    } finally {
      fs.rmSync(binDir, { recursive: true, force: true });
    }
  });

  it('`npm run build` builds every package', async () => {
    const build = runCommand('npm', ['run', 'build'], { env: { ...cliEnv(), TURBO_TELEMETRY_DISABLED: '1' } });
    const code = await build.exited;
    expect({ code, out: code === 0 ? '' : build.output().slice(-3000) }).toEqual({ code: 0, out: '' });
  }, 600_000);
});

describe('a running control plane, from the shell', () => {
  let tg: Run;
  let cfg: string;
  let admin: number;
  let metrics: number;
  let gwPort: number;
  const route = (name: string, svc: string) => simpleRoute('HTTPRoute', name, 'http', [svc]);
  /** The configuration, with route `broken` sent to Service `brokenBackend`. */
  const writeAll = (brokenBackend: string) =>
    fs.writeFileSync(
      path.join(cfg, 'all.yaml'),
      docs(
        GATEWAY_CLASS,
        gateway('gw', httpListener('http', gwPort)),
        service('svc', [echo.port]),
        route('ok', 'svc'),
        route('broken', brokenBackend),
        ingress({ name: 'theirs', host: 'theirs.test', service: 'svc', className: 'traefik' }),
        ingress({ name: 'also-theirs', host: 'also.test', service: 'svc', className: 'traefik' }),
      ),
    );
  /** JSON log lines of the control plane. */
  const logs = (): Array<{ level: string; msg: string; [k: string]: unknown }> =>
    tg.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string });
  const status = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const r = run(['status', ...args, '--admin', `127.0.0.1:${admin}`]);
    const code = await r.exited;
    return { code, stdout: r.stdout(), stderr: r.stderr() };
  };
  /** Writes a file and waits until the control plane has translated it (the route shows in its status). */
  const reload = async (file: string, name: string): Promise<void> => {
    fs.writeFileSync(path.join(cfg, file), route(name, 'svc'));
    await waitFor(async () => ((await httpRequest(admin, '/debug/status')).json as { statuses: Array<{ name: string }> }).statuses.some((s) => s.name === name), 10_000, `${name} translated`);
  };

  beforeAll(async () => {
    gwPort = await freePort();
    cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-shell-'));
    writeAll('nowhere');
    [admin, metrics] = [await freePort(), await freePort()];
    tg = run([
      'standalone', '--config-dir', cfg, '--xds-port', String(await freePort()), '--admin-port', String(admin),
      '--metrics-port', String(metrics), '--metrics-address', '127.0.0.1',
      '--http-port', String(await freePort()), '--https-port', String(await freePort()), '--envoy-admin-port', '0', '--listen-address', '127.0.0.1',
    ]);
    await waitFor(async () => (await httpRequest(admin, '/readyz').catch(() => undefined))?.status === 200, 20_000, 'readiness');
  });

  afterAll(async () => {
    tg?.child.kill('SIGTERM');
    await tg?.exited;
    if (cfg) fs.rmSync(cfg, { recursive: true, force: true });
  });

  it('status prints a table by default and the raw report with -o json; exit 0 only when the object is fine', async () => {
    const ok = await status('HTTPRoute/default/ok');
    expect(ok.code).toBe(0);
    const [header, row] = ok.stdout.split('\n');
    expect(header).toMatch(/^KIND +NAME +CONDITIONS$/);
    expect(row).toMatch(/^HTTPRoute +default\/ok +parent gw: Accepted, ResolvedRefs$/);

    const json = await status('HTTPRoute/default/ok', '-o', 'json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { statuses: Array<{ name: string }>; errors: unknown[] };
    expect(report.statuses.map((s) => s.name)).toEqual(['ok']);
    expect(report.errors).toEqual([]);

    const broken = await status('HTTPRoute/broken');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/HTTPRoute +default\/broken +parent gw: Accepted, ResolvedRefs=False \(BackendNotFound\)/);
    expect(broken.stdout).toMatch(/^NOT TRUE +OBJECT +WHY$/m);
    expect(broken.stdout).toMatch(/^ERROR +OBJECT +FILE +FIELD +MESSAGE$/m);
    expect(broken.stdout).toMatch(/backend-not-found +HTTPRoute default\/broken +all.yaml +spec.rules\[0\].backendRefs\[0\]/);

    // Everything: the broken route makes it 1.
    expect((await status()).code).toBe(1);
  });

  it('status exits 1 for an object that does not exist, saying so', async () => {
    const missing = await status('HTTPRoute/default/nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("tidegate: no HTTPRoute/default/nope in the control plane's status");
  });

  it('status says clearly when the control plane cannot be reached', async () => {
    const port = await freePort();
    const r = run(['status', '--admin', `127.0.0.1:${port}`]);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toBe(
      `tidegate: cannot reach the control plane's admin endpoint at http://127.0.0.1:${port} (ECONNREFUSED). Is Tidegate running there? Point --admin HOST:PORT at its --admin-address/--admin-port (in a cluster: kubectl port-forward to the controller pod's admin port first)\n`,
    );
  });

  it('logs a configuration error when it appears or changes, not on every reload; Ingresses of another class are counted once', async () => {
    const about = (text: string) => logs().filter((l) => l.level === 'warn' && l.msg.includes(text));
    await waitFor(() => about('nowhere').length > 0, 10_000, 'the warning');
    for (let i = 0; i < 3; i++) await reload(`extra-${i}.yaml`, `extra-${i}`);
    expect(about('nowhere')).toHaveLength(1);
    expect(about('nowhere')[0]).toMatchObject({ path: 'spec.rules[0].backendRefs[0]', file: 'all.yaml', object: { kind: 'HTTPRoute', namespace: 'default', name: 'broken' } });
    const others = logs().filter((l) => l.msg.includes('of another class'));
    expect(others).toEqual([expect.objectContaining({ level: 'info', msg: expect.stringMatching(/^2 Ingresses of another class left alone/), otherClasses: { traefik: 2 } })]);

    // A change of the finding is logged (once); its going away too.
    writeAll('elsewhere');
    await waitFor(() => about('elsewhere').length > 0, 10_000, 'the changed warning');
    await reload('extra-3.yaml', 'extra-3');
    expect(about('elsewhere')).toHaveLength(1);
    writeAll('svc');
    await waitFor(() => logs().some((l) => l.level === 'info' && /^resolved: .*elsewhere/.test(l.msg)), 10_000, 'the resolved line');
    expect(about('nowhere')).toHaveLength(1);
    expect(logs().filter((l) => l.msg.includes('of another class'))).toHaveLength(1);
  });

  it('--metrics-port serves /metrics, /healthz and /readyz, and nothing about the configuration', async () => {
    const m = await httpRequest(metrics, '/metrics');
    expect(m.status).toBe(200);
    expect(m.body).toContain('tidegate_config_errors');
    expect((await httpRequest(metrics, '/healthz')).status).toBe(200);
    expect((await httpRequest(metrics, '/readyz')).status).toBe(200);
    for (const p of ['/debug/ir', '/debug/status', '/debug/config_dump?node=default/gw', '/debug/syncz']) {
      const r = await httpRequest(metrics, p);
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
      expect(r.body).toBe('no such endpoint; try /healthz /readyz /metrics\n');
    }
    expect((await httpRequest(admin, '/debug/ir')).status).toBe(200);
  });
});
