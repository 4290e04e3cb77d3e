// xDS over mutual TLS as users run it: `tidegate controller` with a TLS port, `tidegate envoy` with a
// gateway's client certificate; the certificate decides which gateway's configuration a proxy gets.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TypeUrl } from '@tidegate/envoy-api';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { createTestCa, issueCert, issueServerCert, type Pem } from '../packages/xds-server/src/test-support/certs';
import { TestXdsClient } from '../packages/xds-server/src/test-support/xds-client';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';

jest.setTimeout(60_000);

const CLI = path.join(__dirname, '..', 'packages', 'tidegate', 'dist', 'cli.js');

let echo: EchoServer;
let dir: string;
let portA: number;
let portB: number;
let xdsPort: number;
let tlsPort: number;
let adminPort: number;
let controller: Cli;
const files: Record<string, string> = {};
const children: ChildProcess[] = [];
const clients: TestXdsClient[] = [];
let ca: Pem;
let certA: Pem;

interface Cli {
  child: ChildProcess;
  output(): string;
  /** The JSON log lines printed so far. */
  logs(): Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** The user's environment, without the test runner's markers (which silence logging). */
function cliEnv(): NodeJS.ProcessEnv {
  const { JEST_WORKER_ID: _worker, TIDEGATE_LOG_LEVEL: _level, ...env } = process.env;
  return env;
}

function run(args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs = (): Array<Record<string, unknown>> =>
    out.split('\n').flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  return { child, output: () => out, logs, exited };
}

function route(name: string, gw: string): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: ${gw} }]
  rules: [{ backendRefs: [{ name: svc, port: 80 }] }]
`;
}

function writePem(name: string, pem: Pem): void {
  files[`${name}.crt`] = path.join(dir, `${name}.crt`);
  files[`${name}.key`] = path.join(dir, `${name}.key`);
  fs.writeFileSync(files[`${name}.crt`]!, pem.cert);
  fs.writeFileSync(files[`${name}.key`]!, pem.key, { mode: 0o600 });
}

/** `tidegate envoy` over mutual TLS with gateway A's certificate, claiming `group`. */
async function tlsEnvoy(nodeId: string, group: string): Promise<{ cli: Cli; admin: number }> {
  const admin = await freePort();
  const cli = run([
    'envoy',
    '--xds-address', `127.0.0.1:${tlsPort}`,
    '--node-id', nodeId,
    '--proxy-group', group,
    '--envoy-admin-port', String(admin),
    '--xds-tls-cert', files['gw-a.crt']!,
    '--xds-tls-key', files['gw-a.key']!,
    '--xds-tls-ca', files['ca.crt']!,
  ]);
  return { cli, admin };
}

function adminGet(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject)
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timeout'));
      });
  });
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  echo = await startEcho({ name: 'xds-tls-echo' });
  [portA, portB, xdsPort, tlsPort, adminPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-xds-tls-'));
  const config = path.join(dir, 'config');
  fs.mkdirSync(config);
  fs.writeFileSync(
    path.join(config, 'all.yaml'),
    docs(
      GATEWAY_CLASS,
      gateway('gw-a', httpListener('http', portA)),
      gateway('gw-b', httpListener('http', portB)),
      service('svc', [echo.port]),
      route('route-a', 'gw-a'),
      route('route-b', 'gw-b'),
    ),
  );
  const testCa = createTestCa();
  ca = testCa;
  fs.writeFileSync((files['ca.crt'] = path.join(dir, 'ca.crt')), ca.cert);
  writePem('server', issueServerCert(ca));
  certA = issueCert(ca, { uri: ['spiffe://tidegate/ns/default/gateway/gw-a'] });
  writePem('gw-a', certA);

  // The plaintext port is left at its default address: that is what this suite checks.
  controller = run([
    'controller', '--config-dir', config, '--listen-address', '127.0.0.1',
    '--xds-port', String(xdsPort), '--admin-port', String(adminPort),
    '--xds-tls-port', String(tlsPort), '--xds-tls-address', '127.0.0.1',
    '--xds-tls-cert', files['server.crt']!, '--xds-tls-key', files['server.key']!, '--xds-tls-ca', files['ca.crt']!,
  ]);
  await waitFor(async () => (await httpRequest(adminPort, '/readyz').catch(() => undefined))?.status === 200, 20_000, 'controller readiness');
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await echo?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('binds plaintext xDS on loopback by default, and the TLS port where told', () => {
  const listening = controller.logs().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('xDS server listening'));
  expect(listening.map((l) => ({ address: l.address, port: l.port, tls: l.tls }))).toEqual([
    { address: '127.0.0.1', port: xdsPort, tls: false },
    { address: '127.0.0.1', port: tlsPort, tls: true },
  ]);
  expect(controller.output()).not.toContain('plaintext xDS is open beyond loopback');
});

it("serves an Envoy with gateway A's certificate gateway A's configuration, and only that", async () => {
  const { admin } = await tlsEnvoy('gw-a-1', 'default/gw-a');
  await waitFor(async () => (await httpRequest(portA, '/through-tls-xds').catch(() => undefined))?.json?.backend === 'xds-tls-echo', 30_000, 'gateway A to serve');
  const listeners = JSON.parse(await adminGet(admin, '/listeners?format=json')) as { listener_statuses: Array<{ name: string; local_address: { socket_address: { port_value: number } } }> };
  const ports = listeners.listener_statuses.map((l) => l.local_address.socket_address.port_value);
  expect(ports).toEqual([portA]);
  await expect(httpRequest(portB, '/', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  const syncz = (await httpRequest(adminPort, '/debug/syncz')).json as Array<{ nodeId: string; group: string }>;
  expect(new Set(syncz.filter((s) => s.nodeId === 'gw-a-1').map((s) => s.group))).toEqual(new Set(['default/gw-a']));
});

it("refuses an Envoy that presents A's certificate but claims gateway B", async () => {
  const { cli, admin } = await tlsEnvoy('gw-b-impostor', 'default/gw-b');
  const refused = (): boolean =>
    controller.logs().some((l) => l.nodeId === 'gw-b-impostor' && l.msg === 'xDS stream refused: the node claims a proxy group its client certificate does not identify');
  await waitFor(refused, 30_000, 'the controller to refuse the impostor');
  const refusal = controller.logs().find((l) => l.nodeId === 'gw-b-impostor' && l.claimedGroup !== undefined)!;
  expect(refusal).toMatchObject({ claimedGroup: 'default/gw-b', certificateGroup: 'default/gw-a', identity: 'spiffe://tidegate/ns/default/gateway/gw-a' });
  // Envoy is up (its admin answers) but holds no listener; gateway B's port stays closed.
  await waitFor(async () => (await adminGet(admin, '/ready').catch(() => undefined)) !== undefined, 15_000, 'the impostor Envoy admin');
  const listeners = JSON.parse(await adminGet(admin, '/listeners?format=json')) as { listener_statuses?: unknown[] };
  expect(listeners.listener_statuses ?? []).toEqual([]);
  await expect(httpRequest(portB, '/', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});

it('refuses a gRPC ADS client claiming another group (PERMISSION_DENIED) and one without a certificate (handshake)', async () => {
  const options = { 'grpc.ssl_target_name_override': 'localhost' };
  const withA = new TestXdsClient(tlsPort, grpc.credentials.createSsl(Buffer.from(ca.cert), Buffer.from(certA.key), Buffer.from(certA.cert)), options);
  const anonymous = new TestXdsClient(tlsPort, grpc.credentials.createSsl(Buffer.from(ca.cert)), options);
  clients.push(withA, anonymous);

  const impostor = withA.sotw().send({ node: { id: 'grpc-impostor', cluster: 'default/gw-b' }, type_url: TypeUrl.Listener });
  const denied = await impostor.ended(10_000);
  expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
  expect(impostor.received).toBe(0);

  const honest = withA.sotw().send({ node: { id: 'grpc-a', cluster: 'default/gw-a' }, type_url: TypeUrl.Listener });
  expect((await honest.next(10_000)).names.length).toBeGreaterThan(0);
  honest.cancel();

  const noCert = anonymous.sotw().send({ node: { id: 'grpc-anon', cluster: 'default/gw-a' }, type_url: TypeUrl.Listener });
  const unavailable = await noCert.ended(10_000);
  expect(unavailable.code).toBe(grpc.status.UNAVAILABLE);
  expect(noCert.received).toBe(0);
});
