// Runs a real r-nacos server (tests and benchmarks): loopback, ephemeral ports, fresh data dir, clean stop and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvidersError } from '../errors';
import { NacosHttpClient } from './nacos-http';

/** The r-nacos version scripts/install-rnacos.sh builds. */
export const RNACOS_VERSION = '0.8.8';

/** `RNACOS_BIN`, else the cache the install script fills; throws (never skips) when neither exists. */
export function rnacosBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RNACOS_BIN) {
    if (!isExecutable(env.RNACOS_BIN)) throw new Error(`RNACOS_BIN=${env.RNACOS_BIN} is not an executable file`);
    return env.RNACOS_BIN;
  }
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  const cached = path.join(base, 'tidegate', `rnacos-${RNACOS_VERSION}`, 'bin', 'rnacos');
  if (isExecutable(cached)) return cached;
  throw new Error(`no rnacos: RNACOS_BIN is not set and ${cached} does not exist; run scripts/install-rnacos.sh (or node scripts/ensure-components.js)`);
}

export interface RnacosOptions {
  /** Seconds without a beat before an ephemeral instance turns unhealthy (r-nacos adds 3 s; default 15). */
  healthTimeoutSeconds?: number;
  /** Seconds without a beat before an ephemeral instance is removed (default 30). */
  instanceTimeoutSeconds?: number;
  /** Extra environment, e.g. `RNACOS_ENABLE_OPEN_API_AUTH`. */
  env?: Record<string, string>;
  /** Longest wait for readiness (default 30 s). */
  readyTimeoutMs?: number;
}

export interface RnacosServer {
  readonly host: string;
  readonly httpPort: number;
  /** Always `httpPort + 1000`, the port Nacos 2.x clients derive from the HTTP port. */
  readonly grpcPort: number;
  readonly dataDir: string;
  /** A client for the 1.x OpenAPI of this server (tests register instances and publish configs with it). */
  client(credentials?: { username: string; password: string }): NacosHttpClient;
  /** Stops the process (SIGKILL when `hard`, else SIGTERM then SIGKILL after 3 s). Data dir is kept. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same ports and data dir (emptied with `freshData`); resolves when ready. */
  start(opts?: { freshData?: boolean }): Promise<void>;
  /** Whether the process is running. */
  running(): boolean;
  /** Stops it and removes the data dir. */
  close(): Promise<void>;
  /** The last lines r-nacos printed (for failure messages). */
  output(): string;
}

/** Starts r-nacos on 127.0.0.1 with a free HTTP port (gRPC on HTTP + 1000) and a fresh data dir; resolves once it answers. */
export async function startRnacos(options: RnacosOptions = {}): Promise<RnacosServer> {
  const bin = rnacosBinary();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-rnacos-'));
  const [httpPort, grpcPort] = await nacosPortPair();
  const host = '127.0.0.1';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const lines: string[] = [];
  const clients: NacosHttpClient[] = [];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUST_LOG: 'warn',
    RNACOS_SDK_HOST: host,
    RNACOS_HTTP_PORT: String(httpPort),
    RNACOS_GRPC_PORT: String(grpcPort),
    RNACOS_HTTP_CONSOLE_PORT: '0',
    RNACOS_DATA_DIR: path.join(dataDir, 'db'),
    RNACOS_RAFT_NODE_ADDR: `${host}:${grpcPort}`,
    RNACOS_HTTP_WORKERS: '2',
    RNACOS_NAMING_HEALTH_TIMEOUT_SECOND: String(options.healthTimeoutSeconds ?? 15),
    RNACOS_NAMING_INSTANCE_TIMEOUT_SECOND: String(options.instanceTimeoutSeconds ?? 30),
    ...options.env,
  };

  const launch = async (opts: { freshData?: boolean } = {}): Promise<void> => {
    // r-nacos 0.8.8 can panic in its raft apply when restarted on a data dir a SIGKILL left
    // behind; a restart that does not need the old state starts from an empty one.
    if (opts.freshData) fs.rmSync(path.join(dataDir, 'db'), { recursive: true, force: true });
    // cwd is the data dir so r-nacos's dotenv never picks up a stray `.env`.
    const proc = spawn(bin, [], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    await waitReady(host, httpPort, grpcPort, proc, options.readyTimeoutMs ?? 30_000, () => lines.slice(-20).join('\n'));
  };

  const stop = async (opts: { hard?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(opts.hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (err) {
    await stop({ hard: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    host,
    httpPort,
    grpcPort,
    dataDir,
    client(credentials) {
      const c = new NacosHttpClient({ address: { host, port: httpPort }, credentials, timeoutMs: 5000 });
      clients.push(c);
      return c;
    },
    stop,
    start: launch,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    async close() {
      for (const c of clients) c.close();
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => lines.join('\n'),
  };
}

async function waitReady(host: string, httpPort: number, grpcPort: number, proc: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const probe = new NacosHttpClient({ address: { host, port: httpPort }, timeoutMs: 1000 });
  try {
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`rnacos exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${tail()}`);
      }
      // Ready = the naming API answers and the gRPC port accepts connections.
      // Any HTTP answer counts (with open-API auth on, an anonymous request gets 403).
      const httpOk = await probe.listServices('', 'DEFAULT_GROUP').then(
        () => true,
        (err: unknown) => err instanceof ProvidersError && err.code === 'nacos-http-status',
      );
      // And its raft (which stores configs and persistent instances) leads and has applied its log.
      // (Writing to find out is not safe: a write that comes too early panics r-nacos's raft apply.)
      if (httpOk && (await canConnect(host, grpcPort)) && (await raftReady(host, httpPort))) return;
      if (Date.now() > deadline) throw new Error(`rnacos not ready on ${host}:${httpPort} within ${timeoutMs} ms:\n${tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    probe.close();
  }
}

/** `/nacos/v1/raft/metrics` says leader with the whole log applied (a 403 under open-API auth counts as up). */
async function raftReady(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/nacos/v1/raft/metrics`, { signal: AbortSignal.timeout(1000) });
    if (res.status === 403) return true;
    if (!res.ok) return false;
    const m = (await res.json()) as { state?: string; last_log_index?: number; last_applied?: number };
    return m.state === 'Leader' && (m.last_applied ?? 0) >= 1 && m.last_applied === m.last_log_index;
  } catch {
    return false;
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * An HTTP port whose gRPC companion (HTTP + 1000, the port Nacos 2.x clients assume) is free
 * too: both are bound at once to check, then released.
 */
async function nacosPortPair(): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const http = 20_000 + Math.floor(Math.random() * 40_000);
    const servers: net.Server[] = [];
    try {
      for (const port of [http, http + 1000]) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
        servers.push(server);
      }
      return [http, http + 1000];
    } catch {
      // taken; try another pair
    } finally {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  }
  throw new Error('no free port pair (HTTP, HTTP + 1000) found for rnacos');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
