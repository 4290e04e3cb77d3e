// The bundled Envoys live and die with `tidegate standalone` (separate processes, real Envoy): kill -9
// and SIGHUP take them down, a port an earlier Envoy still holds is named, a failed start is retried
// with /readyz not ready meanwhile, and a group that never starts ends Tidegate non-zero with the reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBootstrap, locateEnvoy, portHolders } from '@tidegate/envoy-runner';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service, simpleRoute } from './support/fixtures';
import { CLI, cliEnv } from './support/cli';
import { freePort, httpRequest, waitFor } from './support/http';

jest.setTimeout(90_000);

let echo: EchoServer;
let dir: string;
let port: number;
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function track(child: ChildProcess): Run {
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

/** `tidegate standalone` on the test config, its first Envoy's admin API on `envoyAdmin`. */
async function standalone(envoyAdmin: number): Promise<Run & { admin: number }> {
  const [xds, admin] = [await freePort(), await freePort()];
  const args = ['standalone', '--config-dir', dir, '--xds-port', String(xds), '--admin-port', String(admin), '--envoy-admin-port', String(envoyAdmin), '--listen-address', '127.0.0.1'];
  return { ...track(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() })), admin };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The Envoy whose admin API listens on `adminPort`, once it does. */
async function envoyOn(adminPort: number): Promise<number> {
  const holder = await waitFor(() => portHolders('127.0.0.1', adminPort)[0], 20_000, `an Envoy on admin port ${adminPort}`);
  expect(holder.name).toBe('envoy');
  return holder.pid!;
}

/** Standalone serving through its Envoy, and that Envoy's pid. */
async function serving(): Promise<{ tg: Run; envoy: number }> {
  const envoyAdmin = await freePort();
  const tg = await standalone(envoyAdmin);
  await waitFor(served, 30_000, 'a request through the bundled Envoy');
  return { tg, envoy: await envoyOn(envoyAdmin) };
}

const served = async () => (await httpRequest(port, '/hello', { timeoutMs: 2000 }).catch(() => undefined))?.json?.backend === 'lifecycle-echo';
const readyz = async (admin: number) => (await httpRequest(admin, '/readyz', { timeoutMs: 2000 }).catch(() => ({ status: 0 }))).status;
const retries = (run: Run) => run.output().split('Envoy did not start; retrying').length - 1;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test does)`);
  echo = await startEcho({ name: 'lifecycle-echo' });
  port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-lifecycle-'));
  fs.writeFileSync(path.join(dir, 'all.yaml'), docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port]), simpleRoute('HTTPRoute', 'r', 'http', ['svc'])));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await echo?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('kill -9 of Tidegate takes its Envoy down within 5 s', async () => {
  const { tg, envoy } = await serving();
  tg.child.kill('SIGKILL');
  await tg.exited;
  await waitFor(() => !isRunning(envoy), 5000, `Envoy ${envoy} to exit after its control plane was killed`);
  await expect(httpRequest(port, '/hello', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
});

it('SIGHUP (a terminal closing) stops Tidegate and its Envoy cleanly', async () => {
  const { tg, envoy } = await serving();
  tg.child.kill('SIGHUP');
  expect(await tg.exited).toEqual({ code: 0, signal: null });
  expect(tg.output()).toContain('"signal":"SIGHUP"');
  expect(isRunning(envoy)).toBe(false);
  await expect(httpRequest(port, '/hello', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
});

it('retries an Envoy that cannot start, not ready meanwhile, and serves once the port is free', async () => {
  const envoyAdmin = await freePort();
  const holder = track(spawn(process.execPath, ['-e', `require('net').createServer().listen(${envoyAdmin}, '127.0.0.1', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await once(holder.child.stdout!, 'data');
  const tg = await standalone(envoyAdmin);
  await waitFor(() => retries(tg) >= 2, 20_000, 'two failed start attempts');
  expect(tg.output()).toContain(`Envoy's admin port ${envoyAdmin} on 127.0.0.1 is held by another process (pid ${holder.child.pid}, node)`);
  expect(await readyz(tg.admin)).toBe(503);
  holder.child.kill('SIGKILL');
  await holder.exited;
  await waitFor(async () => (await readyz(tg.admin)) === 200, 20_000, 'readiness once the Envoy started');
  expect(await served()).toBe(true);
  tg.child.kill('SIGTERM');
  expect((await tg.exited).code).toBe(0);
});

it('names an Envoy of an earlier run holding the port, and exits non-zero after the retries', async () => {
  const envoyAdmin = await freePort();
  // An Envoy nobody supervises, as one left over by an earlier run would be.
  const bootstrap = path.join(dir, '..', `leftover-${process.pid}.json`);
  fs.writeFileSync(bootstrap, JSON.stringify(buildBootstrap({ nodeId: 'leftover', cluster: 'leftover', xds: { host: '127.0.0.1', port: await freePort() }, protocol: 'delta', adminPort: envoyAdmin })));
  const leftover = track(spawn((await locateEnvoy({ install: false })).path, ['-c', bootstrap, '--disable-hot-restart', '-l', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  try {
    const pid = await envoyOn(envoyAdmin);
    const tg = await standalone(envoyAdmin);
    await waitFor(() => retries(tg) >= 1, 20_000, 'a failed start attempt');
    expect(await readyz(tg.admin)).toBe(503);
    const { code } = await tg.exited;
    expect(code).toBe(1);
    expect(tg.output()).toContain(
      `tidegate: the Envoy of proxy group default/gw could not be started (6 attempts): Envoy's admin port ${envoyAdmin} on 127.0.0.1 is held by another process (pid ${pid}, envoy); an Envoy from an earlier run? stop it (kill ${pid})`,
    );
    expect(retries(tg)).toBe(5);
  } finally {
    leftover.child.kill('SIGKILL');
    fs.rmSync(bootstrap, { force: true });
  }
});
