// Finding who listens on a port, against real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describeHolders, portHeldMessage, portHolders } from './port-holders';
import { unusedPort } from './test-support/fixtures';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** A separate process listening on `host:port` (prints "up" once it does). */
async function listener(host: string, port: number): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '${host}', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(c.stdout!, 'data');
  return c;
}

it('names the process that listens on the port, for its address and the wildcard', async () => {
  const port = await unusedPort();
  child = await listener('127.0.0.1', port);
  const holders = portHolders('127.0.0.1', port);
  expect(holders).toEqual([{ address: '127.0.0.1', port, pid: child.pid, name: 'node' }]);
  // Binding the wildcard needs every address of the family free.
  expect(portHolders('0.0.0.0', port)).toEqual(holders);
  expect(portHolders('127.0.0.2', port)).toEqual([]);
  expect(portHeldMessage('0.0.0.0', port, holders)).toBe(`port ${port} on 0.0.0.0 is held by another process (pid ${child.pid}, node)`);
});

it('sees a wildcard listener from any address of its family, and an IPv6 dual-stack one from IPv4', async () => {
  const port = await unusedPort();
  child = await listener('::', port);
  expect(portHolders('127.0.0.5', port)).toEqual([{ address: '::', port, pid: child.pid, name: 'node' }]);
  expect(describeHolders(portHolders('0.0.0.0', port))).toBe(`pid ${child.pid}, node`);
});

it('finds nobody on a free port, and hints at a leftover Envoy', async () => {
  expect(portHolders('0.0.0.0', await unusedPort())).toEqual([]);
  expect(portHeldMessage('127.0.0.1', 15000, [{ address: '127.0.0.1', port: 15000, pid: 42, name: 'envoy' }])).toBe(
    'port 15000 on 127.0.0.1 is held by another process (pid 42, envoy); an Envoy from an earlier run? stop it (kill 42)',
  );
});
