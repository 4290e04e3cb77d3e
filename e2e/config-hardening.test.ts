// Hostile and half-written standalone configuration through real Envoy: kind typos, truncated files,
// huge files, a re-created config directory, Ingress ownership without creationTimestamp, SIGTERM.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { ingress } from './support/ingress';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(120_000);

let echoA: EchoServer;
let echoB: EchoServer;
let tg: StandaloneHarness;
let port: number;
let ingressPort: number;

const route = (name: string, prefix: string, kind = 'HTTPRoute') => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      backendRefs: [{ name: svc-a, port: 80 }]
`;
/** An Ingress as users write it in standalone: no creationTimestamp. */
const plainIngress = (name: string, service: string) =>
  ingress({ name, host: 'owned.test', service }).replace(/^ {2}creationTimestamp: .*\n/m, '');

interface ReportedError {
  object: { kind: string; namespace?: string; name: string };
  source?: { file?: string };
  path: string;
  code: string;
  message: string;
}
/** 4 MB of one mapping: seconds to parse. */
const largeYaml = () => `padding:\n${Array.from({ length: 300_000 }, (_, i) => `  k${i}: 1\n`).join('')}`;
const errors = async (): Promise<ReportedError[]> => ((await httpRequest(tg.plane.adminPort, '/debug/status')).json as { errors: ReportedError[] }).errors;
const status = async (p: string) => (await httpRequest(port, p)).status;

beforeAll(async () => {
  echoA = await startEcho({ name: 'a' });
  echoB = await startEcho({ name: 'b' });
  port = await freePort();
  ingressPort = await freePort();
  tg = await startStandalone(
    {
      'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc-a', [echoA.port]), service('svc-b', [echoB.port])),
      'routes.yaml': docs(route('one', '/one'), route('two', '/two')),
      'ingress-first.yaml': plainIngress('zz-first', 'svc-a'),
    },
    { ingress: { ingressClass: 'tidegate', httpPort: ingressPort, httpsPort: await freePort() } },
  );
  await waitFor(async () => (await status('/one')) === 200 && (await status('/two')) === 200, 20_000, 'Envoy to serve');
  await waitFor(async () => (await httpRequest(ingressPort, '/', { host: 'owned.test' })).json?.backend === 'a', 20_000, 'the Ingress to serve');
});

afterAll(async () => {
  await tg?.close();
  await echoA?.close();
  await echoB?.close();
});

it('reports a kind typo with the file, the kind and the kind meant', async () => {
  await tg.write('typo.yaml', route('typo', '/typo', 'HttpRoute'));
  const err = await waitFor(async () => (await errors()).find((e) => e.code === 'unknown-kind'), 5000, 'the kind error');
  expect(err).toMatchObject({ object: { kind: 'HttpRoute', namespace: 'default', name: 'typo' }, source: { file: 'typo.yaml' }, path: 'kind' });
  expect(err.message).toBe('typo.yaml: HttpRoute default/typo: unknown kind "HttpRoute": did you mean HTTPRoute? The object is ignored');
  await tg.remove('typo.yaml');
  await waitFor(async () => !(await errors()).some((e) => e.code === 'unknown-kind'), 5000, 'the error to clear');
});

it('keeps serving the routes of a truncated file that still parses, until it is whole again', async () => {
  const whole = docs(route('one', '/one'), route('two', '/two'));
  await tg.write('routes.yaml', whole.slice(0, whole.lastIndexOf('kind: HTTPRoute') + 'kind: HTTPRou'.length)); // the second route cut off
  const err = await waitFor(async () => (await errors()).find((e) => e.code === 'partial-file'), 5000, 'the partial-file error');
  expect(err.source?.file).toBe('routes.yaml');
  expect(err.message).toContain('lacks HTTPRoute default/two of its last version');
  await new Promise((r) => setTimeout(r, 1500)); // longer than the settle time
  expect(await status('/two')).toBe(200);
  await tg.write('routes.yaml', docs(route('one', '/one'), route('two', '/two-v2')));
  await waitFor(async () => (await status('/two-v2')) === 200, 5000, 'the whole file');
  await waitFor(async () => !(await errors()).some((e) => e.code === 'partial-file'), 5000, 'the error to clear');
});

it('refuses a 50 MB file with an error and parses a 4 MB one off the event loop, while xDS keeps answering', async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-huge-'));
  try {
    // Written outside the config directory, then renamed in: writing 50 MB is not what is measured.
    const huge = path.join(scratch, 'huge.yaml');
    const fd = fs.openSync(huge, 'w');
    const chunk = `${'# padding '.repeat(100)}\n`.repeat(1000);
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    // Within the limits (600 k nodes, 4 MB), seconds of parsing: on the event loop it would stall xDS.
    const large = path.join(scratch, 'large.yaml');
    fs.writeFileSync(large, largeYaml());

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    fs.renameSync(huge, path.join(tg.dir, 'huge.yaml'));
    fs.renameSync(large, path.join(tg.dir, 'large.yaml'));
    await new Promise((r) => setTimeout(r, 100));
    // A change made meanwhile reaches Envoy at once.
    const t0 = Date.now();
    fs.writeFileSync(path.join(tg.dir, 'routes.yaml'), docs(route('one', '/one'), route('two', '/two-v3')));
    await waitFor(async () => (await status('/two-v3')) === 200, 5000, 'a route change while the large file parses');
    expect(Date.now() - t0).toBeLessThan(3000);
    const tooLarge = await waitFor(async () => (await errors()).find((e) => e.code === 'file-too-large'), 5000, 'the size error');
    expect(tooLarge.source?.file).toBe('huge.yaml');
    expect(tooLarge.message).toMatch(/^huge\.yaml: 50\.\d MiB is over the 16\.0 MiB limit for one configuration file; the file is refused/);
    await waitFor(async () => (await errors()).some((e) => e.source?.file === 'large.yaml'), 60_000, 'the large file parsed');
    loop.disable();
    expect(loop.max / 1e6).toBeLessThan(250); // ms
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    for (const f of ['huge.yaml', 'large.yaml']) fs.rmSync(path.join(tg.dir, f), { force: true });
  }
  await waitFor(async () => !(await errors()).some((e) => e.source?.file === 'huge.yaml' || e.source?.file === 'large.yaml'), 5000, 'the errors to clear');
});

it('does not let a newly added Ingress without creationTimestamp take a host from an existing one', async () => {
  // `aa-second` sorts before `zz-first` by name: only the first-seen time keeps the host where it is.
  await tg.write('ingress-second.yaml', plainIngress('aa-second', 'svc-b'));
  const conflict = await waitFor(async () => (await errors()).find((e) => e.object.name === 'aa-second'), 5000, 'the conflict on the new Ingress');
  expect(conflict.message).toMatch(/already served by Ingress default\/zz-first/);
  for (let i = 0; i < 5; i++) expect((await httpRequest(ingressPort, '/', { host: 'owned.test' })).json?.backend).toBe('a');
  // The first one gone, the second takes over.
  await tg.remove('ingress-first.yaml');
  await waitFor(async () => (await httpRequest(ingressPort, '/', { host: 'owned.test' })).json?.backend === 'b', 5000, 'the second Ingress to take over');
});

it('watches the config directory again after it is deleted and re-created', async () => {
  const saved = Object.fromEntries(fs.readdirSync(tg.dir).map((f) => [f, fs.readFileSync(path.join(tg.dir, f), 'utf8')]));
  fs.rmSync(tg.dir, { recursive: true });
  await waitFor(async () => (await errors()).some((e) => e.message.startsWith('cannot read config directory')), 5000, 'the missing directory');
  expect(await status('/one')).toBe(200); // the last configuration keeps serving
  await new Promise((r) => setTimeout(r, 400)); // past every re-read the deletion's own events schedule
  fs.mkdirSync(tg.dir);
  for (const [f, text] of Object.entries(saved)) fs.writeFileSync(path.join(tg.dir, f), text);
  fs.writeFileSync(path.join(tg.dir, 'after.yaml'), route('after', '/after'));
  await waitFor(async () => (await status('/after')) === 200, 10_000, 'a route from the re-created directory');
  await new Promise((r) => setTimeout(r, 400));
  fs.writeFileSync(path.join(tg.dir, 'later.yaml'), route('later', '/later'));
  await waitFor(async () => (await status('/later')) === 200, 5000, 'a later file: the directory is watched again');
});

it('stops promptly on SIGTERM while a large file is being parsed', async () => {
  const cli = path.join(__dirname, '..', 'packages', 'tidegate', 'dist', 'cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-sigterm-'));
  try {
    const { JEST_WORKER_ID: _w, TIDEGATE_LOG_LEVEL: _l, ...env } = process.env;
    const child = spawn(process.execPath, [cli, 'controller', '--config-dir', dir, '--xds-port', String(await freePort()), '--admin-port', String(await freePort()), '--listen-address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('file provider started'), 15_000, 'the controller to start');
    fs.writeFileSync(path.join(dir, 'large.yaml'), largeYaml());
    await new Promise((r) => setTimeout(r, 1000)); // parsing now (it takes seconds)
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
