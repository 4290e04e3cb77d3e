// The `tidegate` command line as users run it: separate processes, real Envoy, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service, simpleRoute } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';

jest.setTimeout(60_000);

const CLI = path.join(__dirname, '..', 'packages', 'tidegate', 'dist', 'cli.js');

let echo: EchoServer;
let dir: string;
let port: number;
const children: ChildProcess[] = [];

/** The user's environment, without the test runner's markers (which silence logging). */
function cliEnv(): NodeJS.ProcessEnv {
  const { JEST_WORKER_ID: _worker, TIDEGATE_LOG_LEVEL: _level, ...env } = process.env;
  return env;
}

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
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

  const status = run(['status', 'Gateway/default/gw', '--admin', `127.0.0.1:${admin}`]);
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
