// Test hosts: a backend in a network namespace of the test run is reachable over the veth, and nothing is left behind.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpRequest, waitFor } from './support/http';
import { createTestHost, type TestHost } from './support/test-host';

jest.setTimeout(60_000);

const TESTKIT = path.join(__dirname, '..', 'packages', 'testkit', 'dist', 'index.js');
const namespaces = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
const linkExists = (name: string): boolean => spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0;
/** The root end of a host's veth: the link whose address is the host's peer address. */
const rootLink = (host: TestHost): string => /^\d+:\s+(\S+)/.exec(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'to', `${host.peerAddress}/32`], { encoding: 'utf8' }))![1]!;
/** Whether any process runs the echo CLI with `--host address`. */
const backendsAt = (address: string): boolean =>
  fs.readdirSync('/proc').some((pid) => {
    try {
      return /^\d+$/.test(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(address);
    } catch {
      return false;
    }
  });
const inRange = (a: string): boolean => {
  const [x, y] = a.split('.').map(Number);
  return x === 198 && (y === 18 || y === 19);
};

const hosts: TestHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

it('serves a backend in the namespace at the host address, reached over the veth from this namespace', async () => {
  const host = await createTestHost();
  hosts.push(host);
  expect(inRange(host.address)).toBe(true);
  expect(namespaces()).toContain(host.namespace);

  const echo = await host.startEcho('in-netns');
  const reply = await httpRequest(echo.port, '/hello', { address: host.address, host: 'netns.test' });
  expect(reply.status).toBe(200);
  // The request arrived from the root end of the veth, not over loopback.
  expect(reply.json).toMatchObject({ backend: 'in-netns', path: '/hello', remoteAddress: host.peerAddress });

  // Inside, the namespace has only its loopback and its end of the veth.
  const inside = host.run('ip', ['-4', '-o', 'addr', 'show']);
  let out = '';
  inside.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise((resolve) => inside.once('exit', resolve));
  expect([...out.matchAll(/inet (\S+)/g)].map((m) => m[1]).sort()).toEqual([`${host.address}/30`, '127.0.0.1/8'].sort());

  await echo.close();
  await expect(httpRequest(echo.port, '/', { address: host.address, timeoutMs: 2000 })).rejects.toThrow();
});

it('gives each host its own /30 and deletes the namespace, its veth and its processes on close()', async () => {
  const [a, b] = [await createTestHost(), await createTestHost()];
  hosts.push(a, b);
  expect(a.address).not.toBe(b.address);
  expect(a.namespace).not.toBe(b.namespace);
  const [ea, eb] = [await a.startEcho('a'), await b.startEcho('b', 8080)];
  expect(eb.port).toBe(8080);
  expect((await httpRequest(ea.port, '/', { address: a.address })).json.backend).toBe('a');
  expect((await httpRequest(eb.port, '/', { address: b.address })).json.backend).toBe('b');

  const link = rootLink(a);
  const sleeper = a.run('sleep', ['60']);
  const exited = new Promise((resolve) => sleeper.once('exit', resolve));
  await a.close();
  await exited;
  expect(namespaces()).not.toContain(a.namespace);
  expect(linkExists(link)).toBe(false);
  await expect(httpRequest(ea.port, '/', { address: a.address, timeoutMs: 2000 })).rejects.toThrow();
  // The other host is untouched.
  expect((await httpRequest(eb.port, '/', { address: b.address })).json.backend).toBe('b');
  await b.close();
  expect(namespaces()).not.toContain(b.namespace);
});

it('removes the namespaces and backends of a process that ends without close(), and reaps those of dead test runs', async () => {
  if (!fs.existsSync(TESTKIT)) throw new Error(`${TESTKIT} is missing: build first (npx tsc -b)`);
  // A namespace named for a process that no longer exists, as a SIGKILLed worker leaves behind.
  const dead = spawnSync('true').pid;
  const stale = `tg-${dead}-0`;
  execFileSync('ip', ['netns', 'add', stale]);
  try {
    // The child leaves a host with a running backend and ends by itself: the backend must not keep it alive.
    const script = `require(${JSON.stringify(TESTKIT)}).createTestHost().then(async (h) => { await h.startEcho('left'); process.stdout.write(h.namespace + ' ' + h.address); }, (e) => { console.error(e); process.exitCode = 1; });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [created, address] = out.split(' ');
    expect(created).toMatch(/^tg-\d+-0$/);
    await waitFor(() => !namespaces().includes(created!), 5000, 'the exited process namespace to go');
    await waitFor(() => !backendsAt(address!), 5000, 'its backend to be killed');
    expect(namespaces()).not.toContain(stale);
  } finally {
    spawnSync('ip', ['netns', 'del', stale], { stdio: 'ignore' });
  }
});
