// Supervises one Envoy process: start until LIVE, restart with backoff after a crash, drain and stop.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getLogger } from '@tidegate/common';
import { EnvoyAdmin } from './admin';
import { type BackoffOptions, DEFAULT_BACKOFF, RestartBackoff } from './backoff';
import type { EnvoyBootstrap } from './bootstrap';
import { materializeBootstrap } from './bootstrap-file';
import { EnvoyRunnerError } from './errors';
import { ENVOY_LOG_FORMAT, EnvoyLogForwarder, type EnvoyLogLevel, type EnvoyLogSink, onLines } from './envoy-log';
import { searchPath } from './locate';
import { portHeldMessage, portHolders } from './port-holders';

export interface EnvoyProcessOptions {
  /** Path of the Envoy binary (see `locateEnvoy`). */
  binary: string;
  /** A bootstrap object (written to a private temp dir as YAML) or the path of a bootstrap file. */
  bootstrap: EnvoyBootstrap | string;
  /**
   * Hot-restart identity. Left out (the default), Envoy runs with `--disable-hot-restart`: it
   * then uses no shared memory and no domain socket, so any number of Envoys coexist on a host
   * and a killed one leaves nothing behind. A number passes `--base-id` (it must be unique on the
   * host); `'dynamic'` passes `--use-dynamic-base-id` and reports the chosen id in `baseId`.
   * Tidegate never hot-restarts (it restarts from scratch), so the default is the reliable one.
   */
  baseId?: number | 'dynamic';
  /** Overrides the bootstrap's admin port; 0 lets the kernel choose. The bound address is read back either way. */
  adminPort?: number;
  /** Envoy's `-l` (default `info`). */
  logLevel?: EnvoyLogLevel | (string & {});
  /** Envoy's `--component-log-level`, e.g. `upstream:debug,config:trace`. */
  componentLogLevel?: string;
  /** `--drain-time-s`, and how long `stop()` lets listeners drain before SIGTERM (default 2). */
  drainTimeSeconds?: number;
  /** Time from SIGTERM to SIGKILL in `stop()` (default 5 s). */
  stopTimeoutMs?: number;
  /** Limit for `start()` to see LIVE (default 30 s); the process is killed when it runs out. */
  startTimeoutMs?: number;
  /** `--concurrency` (worker threads); Envoy's default is one per hardware thread. */
  concurrency?: number;
  /** Automatic restart after an unexpected exit (default on, 250 ms doubling to 10 s, reset after 30 s up). */
  restart?: false | Partial<BackoffOptions>;
  /** Receives Envoy's output lines and the supervisor's own messages (default `getLogger('envoy')`). */
  logger?: EnvoyLogSink;
  /** Further command line arguments, appended last. */
  extraArgs?: readonly string[];
  /**
   * Have the kernel SIGKILL Envoy when this process dies, however it dies (`kill -9`, a crash):
   * Envoy is started through util-linux `setpriv --pdeathsig KILL`, in a process group of its own
   * so a terminal's Ctrl-C or hang-up reaches only the supervisor, which stops it gracefully.
   * Default on; without `setpriv` on PATH a warning is logged and Envoy is started directly.
   */
  dieWithParent?: boolean;
}

export interface EnvoyStartedEvent {
  pid: number;
  adminAddress: string;
  /** 0 for the first start, then the number of automatic restarts so far. */
  restarts: number;
}

export interface EnvoyExitedEvent {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the supervisor ended it (stop, start timeout); false for a crash or kill from outside. */
  expected: boolean;
  uptimeMs: number;
}

export interface EnvoyRestartingEvent {
  /** 1 for the first restart after a healthy run; grows while Envoy keeps failing. */
  attempt: number;
  delayMs: number;
}

export interface EnvoyProcessEvents {
  started: [EnvoyStartedEvent];
  exited: [EnvoyExitedEvent];
  restarting: [EnvoyRestartingEvent];
}

export type EnvoyProcessState = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** One spawned Envoy (the supervisor creates a new one per restart). */
interface Run {
  child: ChildProcess;
  pid: number | undefined;
  startedAt: number;
  adminFile: string;
  baseIdFile: string;
  admin?: EnvoyAdmin;
  live: boolean;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<void>;
  spawnError?: Error;
  terminating?: Promise<void>;
  recent: string[];
}

const RECENT_LINES = 40;
const POLL_MS = 100;

/**
 * Runs Envoy under supervision. `start()` resolves once `/ready` says LIVE; after that an
 * unexpected exit is followed by a restart with exponential backoff until `stop()`, which
 * fails health checks, drains listeners, then sends SIGTERM and, if needed, SIGKILL.
 * An instance is started once; create a new one to start again.
 */
export class EnvoyProcess {
  /** `started`, `exited` and `restarting` notifications. */
  readonly events = new EventEmitter<EnvoyProcessEvents>();
  private readonly log: EnvoyLogSink;
  private readonly backoff: RestartBackoff;
  private stateValue: EnvoyProcessState = 'idle';
  private current?: Run;
  private seq = 0;
  private restartCount = 0;
  private restartTimer?: NodeJS.Timeout;
  private workDir?: string;
  private bootstrapFile?: string;
  private stopping?: Promise<void>;
  private chosenBaseId?: number;

  constructor(private readonly options: EnvoyProcessOptions) {
    this.log = options.logger ?? getLogger('envoy');
    this.backoff = new RestartBackoff({ ...DEFAULT_BACKOFF, ...(options.restart || {}) });
  }

  get state(): EnvoyProcessState {
    return this.stateValue;
  }

  /** Pid of the current Envoy, while one is running. */
  get pid(): number | undefined {
    return this.current && !this.current.exit ? this.current.pid : undefined;
  }

  /** `host:port` of the current Envoy's admin listener, once it is bound. Changes on restart when the port is 0. */
  get adminAddress(): string | undefined {
    return this.admin?.address;
  }

  /** Admin client for the current Envoy, once its admin listener is bound. */
  get admin(): EnvoyAdmin | undefined {
    return this.current && !this.current.exit ? this.current.admin : undefined;
  }

  /** The base id in use: the one given, or the one Envoy chose with `baseId: 'dynamic'`. */
  get baseId(): number | undefined {
    return typeof this.options.baseId === 'number' ? this.options.baseId : this.chosenBaseId;
  }

  /** Automatic restarts so far. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The current Envoy's last output lines (for diagnostics). */
  recentOutput(): string[] {
    return [...(this.current?.recent ?? [])];
  }

  /** Spawns Envoy and resolves when it is LIVE; rejects with its last output lines if it exits or times out first. */
  async start(): Promise<void> {
    if (this.stateValue !== 'idle') throw new EnvoyRunnerError('bad-state', `cannot start an Envoy that is ${this.stateValue}`);
    this.stateValue = 'starting';
    let run: Run | undefined;
    try {
      this.checkAdminPort();
      this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-envoy-'));
      this.bootstrapFile = materializeBootstrap(this.options.bootstrap, this.workDir, this.options.adminPort);
      run = this.spawnRun();
      await this.waitLive(run, Date.now() + (this.options.startTimeoutMs ?? 30_000));
    } catch (err) {
      if (run) await this.terminate(run, false);
      this.cleanup();
      this.stateValue = 'stopped';
      throw err;
    }
    this.stateValue = 'running';
    this.announceStarted(run);
  }

  /** Drains and stops Envoy and cancels any pending restart. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const wasStarted = this.stateValue !== 'idle';
    this.stateValue = 'stopping';
    clearTimeout(this.restartTimer);
    const run = this.current;
    if (run) await this.terminate(run, run.live);
    if (wasStarted) this.cleanup();
    this.stateValue = 'stopped';
  }

  /** Whether Envoys this supervisor starts die with it (see `dieWithParent`). */
  get diesWithParent(): boolean {
    return this.options.dieWithParent !== false && setprivPath() !== undefined;
  }

  /** A fixed admin port held by someone else (an Envoy of an earlier run, say) fails the start with its pid and name. */
  private checkAdminPort(): void {
    const port = this.options.adminPort;
    if (!port) return;
    const b = this.options.bootstrap;
    const address = typeof b === 'string' ? '127.0.0.1' : (adminAddressOf(b) ?? '127.0.0.1');
    const holders = portHolders(address, port);
    if (holders.length) throw new EnvoyRunnerError('port-in-use', `Envoy's admin ${portHeldMessage(address, port, holders)}`);
  }

  private spawnRun(): Run {
    const seq = ++this.seq;
    const adminFile = path.join(this.workDir!, `admin-address-${seq}`);
    const baseIdFile = path.join(this.workDir!, `base-id-${seq}`);
    const args = this.args(adminFile, baseIdFile);
    const setpriv = this.options.dieWithParent === false ? undefined : setprivPath();
    if (this.options.dieWithParent !== false && !setpriv) warnNoSetpriv(this.log);
    // The parent-death signal belongs to the thread that forked: Node forks from its main thread,
    // which lives as long as the process. Its own process group keeps terminal signals away.
    const child = setpriv
      ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', this.options.binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(this.options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let resolveExited!: () => void;
    const run: Run = {
      child,
      pid: child.pid,
      startedAt: Date.now(),
      adminFile,
      baseIdFile,
      live: false,
      exited: new Promise((r) => (resolveExited = r)),
      recent: [],
    };
    this.current = run;
    if (child.pid !== undefined) liveChildren.add(child);
    const forwarder = new EnvoyLogForwarder(this.log, child.pid);
    const take = (stream: 'stdout' | 'stderr') => (line: string) => {
      run.recent.push(line);
      if (run.recent.length > RECENT_LINES) run.recent.shift();
      forwarder.line(stream, line);
    };
    onLines(child.stdout!, take('stdout'));
    onLines(child.stderr!, take('stderr'));
    child.on('error', (err) => (run.spawnError = err));
    // 'close' comes after the output pipes are drained, so the last lines are in `recent`.
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      run.exit = { code, signal };
      resolveExited();
      this.onExit(run);
    });
    this.log.debug({ pid: child.pid, args }, 'spawned Envoy');
    return run;
  }

  private args(adminFile: string, baseIdFile: string): string[] {
    const o = this.options;
    const args = ['-c', this.bootstrapFile!, '--admin-address-path', adminFile, '-l', o.logLevel ?? 'info', '--log-format', ENVOY_LOG_FORMAT];
    args.push('--drain-time-s', String(Math.ceil(o.drainTimeSeconds ?? 2)));
    if (o.baseId === undefined) args.push('--disable-hot-restart');
    else if (o.baseId === 'dynamic') args.push('--use-dynamic-base-id', '--base-id-path', baseIdFile);
    else args.push('--base-id', String(o.baseId));
    if (o.concurrency !== undefined) args.push('--concurrency', String(o.concurrency));
    if (o.componentLogLevel) args.push('--component-log-level', o.componentLogLevel);
    return [...args, ...(o.extraArgs ?? [])];
  }

  /** Polls the admin address file, then `/ready`, until LIVE; throws if the run ends, times out or is stopped. */
  private async waitLive(run: Run, deadline: number): Promise<void> {
    let lastState = 'not started';
    for (;;) {
      if (this.stateValue === 'stopping' || this.stateValue === 'stopped') {
        throw new EnvoyRunnerError('stopped', 'Envoy was stopped before it went LIVE');
      }
      if (run.exit) throw this.exitedEarly(run);
      if (!run.admin) run.admin = readAdminAddress(run.adminFile);
      if (run.admin) {
        try {
          lastState = await run.admin.ready();
          if (lastState === 'LIVE' && !run.exit) {
            run.live = true;
            return;
          }
        } catch (err) {
          lastState = (err as Error).message;
        }
      }
      if (Date.now() >= deadline) {
        throw new EnvoyRunnerError(
          'start-timeout',
          `Envoy (pid ${run.pid}) did not go LIVE in time (last state: ${lastState}); its last output:\n${tail(run)}`,
        );
      }
      await within(run.exited, POLL_MS);
    }
  }

  private exitedEarly(run: Run): EnvoyRunnerError {
    const how = run.spawnError
      ? `could not be started (${run.spawnError.message})`
      : run.exit?.signal
        ? `was killed by ${run.exit.signal}`
        : `exited with code ${run.exit?.code}`;
    return new EnvoyRunnerError('start-failed', `Envoy ${this.options.binary} (pid ${run.pid}) ${how} before it went LIVE; its last output:\n${tail(run)}`);
  }

  private announceStarted(run: Run): void {
    if (this.options.baseId === 'dynamic') {
      const id = Number(readText(run.baseIdFile)?.trim());
      if (Number.isInteger(id)) this.chosenBaseId = id;
    }
    const event = { pid: run.pid!, adminAddress: run.admin!.address, restarts: this.restartCount };
    this.log.info(event, 'Envoy is LIVE');
    this.events.emit('started', event);
  }

  private onExit(run: Run): void {
    const expected = run.terminating !== undefined || this.stateValue === 'stopping' || this.stateValue === 'stopped';
    const uptimeMs = Date.now() - run.startedAt;
    const event = { pid: run.pid, code: run.exit!.code, signal: run.exit!.signal, expected, uptimeMs };
    if (expected) this.log.info(event, 'Envoy exited');
    else this.log.error({ ...event, lastOutput: tail(run, 10) }, 'Envoy exited unexpectedly');
    this.events.emit('exited', event);
    // Exits during start() or a restart attempt are handled by whoever waits for LIVE.
    if (!expected && this.stateValue === 'running' && run === this.current && this.options.restart !== false) {
      this.scheduleRestart(uptimeMs);
    }
  }

  private scheduleRestart(uptimeMs: number): void {
    const { delayMs, attempt } = this.backoff.next(uptimeMs);
    this.stateValue = 'restarting';
    this.log.warn({ attempt, delayMs }, 'restarting Envoy');
    this.events.emit('restarting', { attempt, delayMs });
    this.restartTimer = setTimeout(() => void this.restartNow(), delayMs);
  }

  private async restartNow(): Promise<void> {
    if (this.stateValue !== 'restarting') return;
    const run = this.spawnRun();
    try {
      // No deadline: a restarted Envoy that is slow to initialise is still better than none.
      await this.waitLive(run, Number.POSITIVE_INFINITY);
    } catch (err) {
      if (this.stateValue !== 'restarting') return; // stopped meanwhile
      this.log.error({ err: (err as Error).message }, 'restarted Envoy did not come up');
      await this.terminate(run, false);
      if (this.stateValue !== 'restarting') return;
      this.scheduleRestart(Date.now() - run.startedAt);
      return;
    }
    if (this.stateValue !== 'restarting') return;
    this.restartCount++;
    this.stateValue = 'running';
    this.announceStarted(run);
  }

  /** Ends one run: optionally drain first, then SIGTERM, then SIGKILL. Idempotent per run. */
  private terminate(run: Run, drain: boolean): Promise<void> {
    run.terminating ??= (async () => {
      if (run.exit) return;
      if (drain && run.admin) await this.drain(run, run.admin);
      if (run.exit) return;
      run.child.kill('SIGTERM');
      const stopTimeoutMs = this.options.stopTimeoutMs ?? 5000;
      if (await within(run.exited, stopTimeoutMs)) return;
      this.log.warn({ pid: run.pid, stopTimeoutMs }, 'Envoy ignored SIGTERM; sending SIGKILL');
      run.child.kill('SIGKILL');
      await within(run.exited, 5000);
    })();
    return run.terminating;
  }

  /** Health checks fail first so load balancers move away, then listeners drain for the drain time. */
  private async drain(run: Run, admin: EnvoyAdmin): Promise<void> {
    const quick = new EnvoyAdmin(admin.address, { timeoutMs: 2000 });
    try {
      await quick.healthcheckFail();
      await quick.drainListeners({ graceful: true });
      // Nothing to drain without listeners: do not make every stop wait the drain time.
      if ((await quick.listeners()).length === 0) return;
    } catch (err) {
      this.log.warn({ pid: run.pid, err: (err as Error).message }, 'could not ask Envoy to drain; stopping it anyway');
      return;
    }
    const drainMs = (this.options.drainTimeSeconds ?? 2) * 1000;
    this.log.info({ pid: run.pid, drainMs }, 'draining Envoy listeners');
    await within(run.exited, drainMs);
  }

  private cleanup(): void {
    if (this.workDir) fs.rmSync(this.workDir, { recursive: true, force: true });
    this.workDir = undefined;
  }
}

// Envoys must not outlive the process that supervises them, even when it exits without stop().
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

let setpriv: { path: string | undefined } | undefined;

/** util-linux `setpriv`, looked up once on PATH (and /usr/bin, /bin). */
function setprivPath(): string | undefined {
  setpriv ??= { path: searchPath('setpriv', `${process.env.PATH ?? ''}${path.delimiter}/usr/bin${path.delimiter}/bin`) };
  return setpriv.path;
}

let warnedNoSetpriv = false;

function warnNoSetpriv(log: EnvoyLogSink): void {
  if (warnedNoSetpriv) return;
  warnedNoSetpriv = true;
  log.warn({}, 'setpriv (util-linux) is not on PATH: an Envoy outlives this process if it is killed with SIGKILL');
}

function adminAddressOf(b: EnvoyBootstrap): string | undefined {
  const admin = b.admin as { address?: { socket_address?: { address?: string } } } | undefined;
  return admin?.address?.socket_address?.address;
}

function readAdminAddress(file: string): EnvoyAdmin | undefined {
  const text = readText(file)?.trim();
  // Envoy may not have finished writing: only a complete host:port counts.
  if (!text || !/:\d+$/.test(text)) return undefined;
  return new EnvoyAdmin(text, { timeoutMs: 2000 });
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function tail(run: Run, n = 20): string {
  return run.recent.slice(-n).join('\n') || '(no output)';
}

/** Waits for `p` at most `ms`; true if it settled in time. The timer is cleared either way. */
async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
