// Runs a real r-nacos server (tests and benchmarks): loopback, fixed free ports, fresh data dir, clean stop and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { getLogger } from '@tidegate/common';
import { NacosHttpClient } from './nacos-http';

const log = getLogger('rnacos-server');

/** The r-nacos version scripts/install-rnacos.sh builds. */
export const RNACOS_VERSION = '0.8.8';

/**
 * How many times a start on an empty store is tried. r-nacos 0.8.8 races with itself there:
 * it starts raft, which initializes itself and writes this node's address, before its
 * dependency injection has reached the raft apply actor, and that write then panics at
 * `self.index_manager.clone().unwrap()` (raftapply.rs:421). The panic kills the apply actor:
 * later config writes answer `true` but are never applied, and the initial admin user is never
 * written (a login answers "Mailbox has closed"). About one start in three loses the race on
 * 2 cores; a crashed attempt costs ~0.2 s, so ten attempts make a failure negligible (~3e-5).
 */
const FRESH_START_ATTEMPTS = 10;

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
  /** Longest wait for readiness of one start attempt (default 30 s). */
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
  /**
   * Starts it again on the same ports and data dir (emptied with `freshData`); resolves when
   * ready. A start on an empty store that hits r-nacos's start-up crash is retried (logged).
   */
  start(opts?: { freshData?: boolean }): Promise<void>;
  /** Whether the process is running. */
  running(): boolean;
  /** Stops it and removes the data dir. */
  close(): Promise<void>;
  /** The last lines r-nacos printed, with a line per start attempt (for failure messages). */
  output(): string;
  /** Start attempts that hit r-nacos's start-up crash and were retried, over this server's life. */
  crashedStarts(): number;
}

/**
 * A start that failed because r-nacos crashed (a panic or an early exit), not because it
 * was slow: only these are retried, on an empty store.
 */
class StartupCrash extends Error {}

/**
 * Starts r-nacos on 127.0.0.1 with free HTTP and gRPC ports (gRPC = HTTP + 1000) and a fresh
 * data dir; resolves once it is ready (see `RnacosProcess.ready`). A start that crashes is retried on a
 * new data dir and new ports, at most `FRESH_START_ATTEMPTS` times.
 */
export async function startRnacos(options: RnacosOptions = {}): Promise<RnacosServer> {
  const bin = rnacosBinary();
  let crashes = 0;
  for (let attempt = 1; ; attempt++) {
    const [httpPort, grpcPort] = await nacosPortPair();
    const server = new RnacosProcess(bin, httpPort, grpcPort, options);
    try {
      await server.launch({ retryCrashes: false });
      server.crashes += crashes;
      return server;
    } catch (err) {
      await server.close();
      if (!(err instanceof StartupCrash) || attempt >= FRESH_START_ATTEMPTS) throw err;
      crashes++;
      log.warn({ attempt, httpPort, err: err.message }, 'r-nacos crashed while starting; retrying on new ports and an empty store');
    }
  }
}

/** One r-nacos on fixed ports and a fixed data dir, started and stopped any number of times. */
class RnacosProcess implements RnacosServer {
  readonly host = '127.0.0.1';
  readonly dataDir: string;
  crashes = 0;
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private readonly lines: string[] = [];
  private readonly clients: NacosHttpClient[] = [];
  private readonly env: NodeJS.ProcessEnv;
  /** The initial admin that r-nacos creates, when open-API auth needs a login to read its raft state. */
  private readonly admin?: { username: string; password: string };

  constructor(
    private readonly bin: string,
    readonly httpPort: number,
    readonly grpcPort: number,
    private readonly options: RnacosOptions,
  ) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-rnacos-'));
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RUST_LOG: 'warn',
      RNACOS_SDK_HOST: this.host,
      RNACOS_HTTP_PORT: String(httpPort),
      RNACOS_GRPC_PORT: String(grpcPort),
      RNACOS_HTTP_CONSOLE_PORT: '0',
      RNACOS_DATA_DIR: path.join(this.dataDir, 'db'),
      RNACOS_RAFT_NODE_ADDR: `${this.host}:${grpcPort}`,
      RNACOS_HTTP_WORKERS: '2',
      RNACOS_NAMING_HEALTH_TIMEOUT_SECOND: String(options.healthTimeoutSeconds ?? 15),
      RNACOS_NAMING_INSTANCE_TIMEOUT_SECOND: String(options.instanceTimeoutSeconds ?? 30),
      ...options.env,
    };
    if (this.env.RNACOS_ENABLE_OPEN_API_AUTH === 'true') {
      // r-nacos's defaults when these are unset or empty.
      this.admin = { username: this.env.RNACOS_INIT_ADMIN_USERNAME || 'admin', password: this.env.RNACOS_INIT_ADMIN_PASSWORD || 'admin' };
    }
  }

  client(credentials?: { username: string; password: string }): NacosHttpClient {
    const c = new NacosHttpClient({ address: { host: this.host, port: this.httpPort }, credentials, timeoutMs: 5000 });
    this.clients.push(c);
    return c;
  }

  start(opts: { freshData?: boolean } = {}): Promise<void> {
    return this.launch({ freshData: opts.freshData, retryCrashes: !!opts.freshData });
  }

  /**
   * Spawns r-nacos and waits until it is ready. With `retryCrashes` (only when the store
   * starts empty, so nothing is lost), a start-up crash empties the store and tries again on
   * the same ports. The first start always has an empty store.
   */
  async launch(opts: { freshData?: boolean; retryCrashes: boolean }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (opts.freshData || attempt > 1) fs.rmSync(path.join(this.dataDir, 'db'), { recursive: true, force: true });
      try {
        await this.spawnAndWait(attempt);
        return;
      } catch (err) {
        await this.stop({ hard: true });
        if (!(err instanceof StartupCrash) || !opts.retryCrashes || attempt >= FRESH_START_ATTEMPTS) throw err;
        this.crashes++;
        log.warn({ attempt, httpPort: this.httpPort, err: err.message }, 'r-nacos crashed while restarting on an empty store; retrying');
      }
    }
  }

  private async spawnAndWait(attempt: number): Promise<void> {
    this.lines.push(`--- tidegate: start attempt ${attempt} (${new Date().toISOString()})`);
    // cwd is the data dir so r-nacos's dotenv never picks up a stray `.env`.
    const proc = spawn(this.bin, [], { cwd: this.dataDir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = proc;
    let panicked = false;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.lines.push(line);
        if (/ panicked at /.test(line)) panicked = true;
      }
      if (this.lines.length > 300) this.lines.splice(0, this.lines.length - 300);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const tail = () => this.lines.slice(-25).join('\n');
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new StartupCrash(`rnacos exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${tail()}`);
      }
      if (panicked) throw new StartupCrash(`rnacos panicked while starting:\n${tail()}`);
      if (await this.ready()) {
        // The start-up panic is printed long before the readiness below can hold, but give the
        // pipe one more turn so a panic printed just before is seen.
        await sleep(50);
        if (panicked) throw new StartupCrash(`rnacos panicked while starting:\n${tail()}`);
        return;
      }
      if (Date.now() > deadline) throw new Error(`rnacos not ready on ${this.host}:${this.httpPort} within ${this.options.readyTimeoutMs ?? 30_000} ms:\n${tail()}`);
      await sleep(100);
    }
  }

  /**
   * Ready = the gRPC port accepts connections and raft (which stores configs, persistent
   * instances and users) leads with its whole log applied, including the writes r-nacos
   * makes on its own at start-up: on an empty store the membership, this node's address,
   * the member list and the initial admin user (log index 4). Test writes that come before
   * those could race with them.
   */
  private async ready(): Promise<boolean> {
    if (!(await canConnect(this.host, this.grpcPort))) return false;
    const base = `http://${this.host}:${this.httpPort}/nacos/v1`;
    try {
      let query = '';
      if (this.admin) {
        // Under open-API auth the metrics need a token, and the login works only once the
        // initial admin user has been written.
        const res = await fetch(`${base}/auth/login`, {
          method: 'POST',
          body: new URLSearchParams(this.admin),
          signal: AbortSignal.timeout(1000),
        });
        if (!res.ok) return false;
        const token = ((await res.json()) as { accessToken?: string }).accessToken;
        if (!token) return false;
        query = `?accessToken=${encodeURIComponent(token)}`;
      }
      const res = await fetch(`${base}/raft/metrics${query}`, { signal: AbortSignal.timeout(1000) });
      if (!res.ok) return false;
      const m = (await res.json()) as { state?: string; last_log_index?: number; last_applied?: number };
      return m.state === 'Leader' && (m.last_applied ?? 0) >= 4 && m.last_applied === m.last_log_index;
    } catch {
      return false;
    }
  }

  async stop(opts: { hard?: boolean } = {}): Promise<void> {
    const proc = this.child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(opts.hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }

  running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  output(): string {
    return this.lines.join('\n');
  }

  crashedStarts(): number {
    return this.crashes;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An HTTP port whose gRPC companion (HTTP + 1000, the port Nacos 2.x clients assume) is free
 * too: both are bound at once to check, then released. Both lie below Linux's ephemeral range
 * (32768+), so no outgoing connection or `listen(0)` elsewhere can take them before r-nacos
 * binds them.
 */
async function nacosPortPair(): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const http = 20_000 + Math.floor(Math.random() * 11_700);
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
