// Test hosts: backends in a private network namespace, reachable over a veth at an address of the test run's own.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNetns, deleteNetns, reapStaleNetns, startNetnsWatchdog } from './netns';

/** A backend the test host runs (see {@link TestHost.startEcho}). */
export interface TestHostEcho {
  readonly port: number;
  /** Stops the backend process. */
  close(): Promise<void>;
}

/**
 * A network namespace of this test run joined to the current one by a veth pair. Tests use it where
 * a backend needs a non-loopback address (Kubernetes EndpointSlices reject loopback) without ever
 * touching the machine's real interfaces. Needs root and iproute2 `ip`.
 */
export interface TestHost {
  /** The host's IPv4 address (in 198.18.0.0/15); reachable from the current namespace. */
  readonly address: string;
  /** Where the host's traffic to the current namespace comes from: the root end of the veth. */
  readonly peerAddress: string;
  /** The network namespace's name (`tg-<pid>-<n>`). */
  readonly namespace: string;
  /**
   * Runs `cmd args` inside the namespace (`ip netns exec`), with `env` added to this process's
   * environment. stdout and stderr are pipes the caller reads; the process is killed by `close()`.
   */
  run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Starts the testkit echo backend (HTTP/1.1) in the namespace on `address:port` (port 0: any free one). */
  startEcho(name: string, port?: number): Promise<TestHostEcho>;
  /** Kills the host's processes and deletes the namespace and its veth. */
  close(): Promise<void>;
}

/** The compiled echo CLI: the namespace runs a separate node process, so it needs the build (`npx tsc -b`). */
const ECHO_CLI = path.resolve(__dirname, '..', 'dist', 'echo-cli.js');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

let counter = 0;
/** Once per module instance: stale namespaces reaped, and the watchdog for this process's own started. */
let prepared: Promise<void> | undefined;

/**
 * Creates a test host (see {@link TestHost}). Without `close()`, a watchdog removes it once this process
 * has exited, and a later run reaps any a killed watchdog left.
 */
export async function createTestHost(): Promise<TestHost> {
  if (process.platform !== 'linux') throw new Error('test hosts need Linux network namespaces');
  prepared ??= reapStaleNetns().then(startNetnsWatchdog);
  await prepared;
  const netns = await createNetns(counter++);
  const name = netns.name;
  const children = new Set<ChildProcess>();
  let closing: Promise<void> | undefined;

  const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess => {
    if (closing) throw new Error(`test host ${name} is closed`);
    const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  };

  const startEcho = async (echoName: string, port = 0): Promise<TestHostEcho> => {
    if (!fs.existsSync(ECHO_CLI)) throw new Error(`${ECHO_CLI} is missing: build first (npx tsc -b)`);
    const child = run(process.execPath, [ECHO_CLI, '--name', echoName, '--host', netns.address, '--port', String(port)]);
    const bound = await listeningPort(child, `echo backend "${echoName}" in ${name}`);
    // A forgotten backend must not keep the test process alive: the watchdog removes it after exit.
    for (const handle of [child, child.stdout, child.stderr] as unknown as Array<{ unref?(): void }>) handle.unref?.();
    return { port: bound, close: () => stop(child) };
  };

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all([...children].map(stop));
      await deleteNetns(netns);
    })());

  return { address: netns.address, peerAddress: netns.peerAddress, namespace: name, run, startEcho, close };
}

/** Waits for the echo CLI's "listening on ADDRESS:PORT" line; rejects if it exits or stays silent. */
function listeningPort(child: ChildProcess, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${what}: ${why}${err.trim() ? `: ${err.trim().slice(-500)}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on \S+:(\d+)\s*$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      resolve(Number(m[1]));
    });
    const onExit = (code: number | null): void => fail(`exited with ${code} before listening`);
    child.once('exit', onExit);
    child.once('error', (e) => fail(String(e)));
  });
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone (or, bounded, soon after SIGKILL). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timers = [setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS), setTimeout(resolve, STOP_TIMEOUT_MS + 1000)];
    child.once('exit', () => {
      timers.forEach(clearTimeout);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
