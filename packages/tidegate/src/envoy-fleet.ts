// Standalone mode: one supervised bundled Envoy per proxy group, started and stopped as groups come and go.
import { getLogger } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import { DEFAULT_BACKOFF, EnvoyProcess, RestartBackoff, buildBootstrap, locateEnvoy, portHeldMessage, portHolders, type BackoffOptions, type PortHolder } from '@tidegate/envoy-runner';

const log = getLogger('envoy-fleet');

export interface EnvoyFleetOptions {
  /** Explicit binary; otherwise ENVOY_BIN, the cache, PATH, then a pinned install. */
  binary?: string;
  protocol: 'sotw' | 'delta';
  /** Admin port of the first Envoy; the n-th gets base+n. 0 picks free ports. */
  adminPortBase: number;
  logLevel?: string;
  drainSeconds?: number;
  /** Attempts at starting a group's Envoy before giving up on it (default 6: about 8 s with the default backoff). */
  startAttempts?: number;
  /** Delay between start attempts (default 250 ms doubling, at most 10 s). */
  startBackoff?: Partial<BackoffOptions>;
  /** Called once when a group's Envoy could not be started in `startAttempts` (standalone exits with it). */
  onGiveUp?: (err: Error) => void;
}

/** A listener whose address and port a process other than its group's Envoy holds. */
export interface PortProblem {
  group: string;
  /** IR listener name, e.g. `http-8080`. */
  listener: string;
  address: string;
  port: number;
  holders: PortHolder[];
  message: string;
}

interface Member {
  group: string;
  adminPort: number;
  process?: EnvoyProcess;
  attempts: number;
  backoff: RestartBackoff;
  retry?: NodeJS.Timeout;
  /** Why the last start failed; set for good once the fleet gave up on the group. */
  failure?: string;
}

const DEFAULT_START_ATTEMPTS = 6;

export class EnvoyFleet {
  private binary?: string;
  private readonly members = new Map<string, Member>();
  private reconciling: Promise<void> = Promise.resolve();
  private nextIndex = 0;
  private wanted = new Set<string>();
  private sockets = new Map<string, Array<{ listener: string; address: string; port: number }>>();
  private problems: PortProblem[] = [];
  private stopped = false;

  constructor(private readonly options: EnvoyFleetOptions & { xds: { host: string; port: number } }) {}

  /** Finds (or installs) Envoy before anything is served, so a missing binary fails fast. */
  async prepare(): Promise<void> {
    const found = await locateEnvoy({ explicitPath: this.options.binary });
    this.binary = found.path;
    log.info({ path: found.path, source: found.source }, 'using Envoy');
  }

  /**
   * Makes the running Envoys match `groups` (calls are serialised); `ir`, the groups' current IR,
   * tells which addresses and ports each group's Envoy binds, to check nobody else holds them.
   */
  reconcile(groups: string[], ir: readonly ProxyGroup[] = []): Promise<void> {
    this.wanted = new Set(groups);
    const sockets = new Map(ir.map((g) => [g.name, [...g.httpListeners, ...g.tcpListeners].map((l) => ({ listener: l.name, address: l.address, port: l.port }))]));
    // Checked again only when the sockets change, after each Envoy start and while a problem lasts: /proc is not free.
    const socketsChanged = JSON.stringify([...sockets]) !== JSON.stringify([...this.sockets]);
    this.sockets = sockets;
    this.reconciling = this.reconciling.then(() => this.doReconcile(groups, socketsChanged)).catch((err: unknown) => {
      log.error({ err }, 'reconcile failed');
    });
    return this.reconciling;
  }

  private async doReconcile(groups: string[], socketsChanged: boolean): Promise<void> {
    const wanted = new Set(groups);
    for (const [group, member] of this.members) {
      if (wanted.has(group)) continue;
      this.members.delete(group);
      clearTimeout(member.retry);
      log.info({ group }, 'proxy group removed; stopping its Envoy');
      await member.process?.stop();
    }
    if (socketsChanged || this.problems.length) this.checkPorts();
    await Promise.all(groups.filter((g) => !this.members.has(g)).map((g) => this.launch(this.newMember(g))));
  }

  private newMember(group: string): Member {
    const base = this.options.adminPortBase;
    const member: Member = {
      group,
      adminPort: base === 0 ? 0 : base + this.nextIndex++,
      attempts: 0,
      backoff: new RestartBackoff({ ...DEFAULT_BACKOFF, ...this.options.startBackoff, resetAfterMs: Number.POSITIVE_INFINITY }),
    };
    this.members.set(group, member);
    return member;
  }

  /** One start attempt; a failure schedules the next with backoff, or gives up after `startAttempts`. */
  private async launch(member: Member): Promise<void> {
    const { group, adminPort } = member;
    const bootstrap = buildBootstrap({
      nodeId: `standalone~${group}`,
      cluster: group,
      xds: this.options.xds,
      protocol: this.options.protocol,
      adminPort,
    });
    const process = new EnvoyProcess({
      binary: this.binary!,
      bootstrap,
      adminPort,
      logLevel: this.options.logLevel ?? 'warning',
      drainTimeSeconds: this.options.drainSeconds ?? 2,
      logger: log.child({ group }),
    });
    member.process = process;
    member.attempts++;
    log.info({ group, attempt: member.attempts }, 'starting Envoy for proxy group');
    try {
      await process.start();
    } catch (err) {
      if (this.members.get(group) !== member || this.stopped) return; // removed or stopped meanwhile
      this.startFailed(member, (err as Error).message);
      return;
    }
    member.failure = undefined;
    // Its listeners are bound (or refused) by now: see that nobody else holds their ports.
    this.checkPorts();
  }

  private startFailed(member: Member, reason: string): void {
    const attempts = this.options.startAttempts ?? DEFAULT_START_ATTEMPTS;
    member.failure = reason;
    if (member.attempts >= attempts) {
      const err = new Error(`the Envoy of proxy group ${member.group} could not be started (${attempts} attempts): ${reason}`);
      log.error({ group: member.group, attempts }, err.message);
      this.options.onGiveUp?.(err);
      return;
    }
    const { delayMs } = member.backoff.next(0);
    log.error({ group: member.group, attempt: member.attempts, of: attempts, retryInMs: delayMs, reason }, 'Envoy did not start; retrying');
    member.retry = setTimeout(() => {
      // Serialised with reconciles, so a removal in between is seen.
      this.reconciling = this.reconciling.then(() => (this.members.get(member.group) === member && !this.stopped ? this.launch(member) : undefined));
    }, delayMs);
  }

  /** True when every proxy group has a LIVE Envoy (not starting, retrying or restarting). */
  allLive(): boolean {
    return [...this.wanted].every((g) => this.members.get(g)?.process?.state === 'running');
  }

  /** Groups whose Envoy is not LIVE, and why (the last start failure, when there was one). */
  notLive(): Array<{ group: string; reason: string }> {
    return [...this.wanted].flatMap((group) => {
      const m = this.members.get(group);
      const state = m?.process?.state;
      if (state === 'running') return [];
      return [{ group, reason: m?.failure ?? `Envoy is ${state ?? 'not started yet'}` }];
    });
  }

  /** Listeners whose address and port another process holds (checked on every reconcile and Envoy start). */
  portProblems(): PortProblem[] {
    return this.problems;
  }

  private checkPorts(): void {
    const found: PortProblem[] = [];
    for (const [group, sockets] of this.sockets) {
      if (!this.wanted.has(group)) continue;
      const own = this.members.get(group)?.process?.pid;
      for (const s of sockets) {
        const holders = portHolders(s.address, s.port, own === undefined ? {} : { except: own });
        if (holders.length) found.push({ group, ...s, holders, message: portHeldMessage(s.address, s.port, holders) });
      }
    }
    const known = new Set(this.problems.map(problemKey));
    for (const p of found) {
      if (!known.has(problemKey(p))) log.error({ group: p.group, listener: p.listener, holders: p.holders }, `${p.message}: proxy group ${p.group} cannot listen there`);
    }
    this.problems = found;
  }

  list(): Array<{ group: string; adminAddress?: string; pid?: number }> {
    return [...this.members.values()].map((m) => ({
      group: m.group,
      adminAddress: m.process?.adminAddress,
      pid: m.process?.pid,
    }));
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    await this.reconciling;
    const all = [...this.members.values()];
    this.members.clear();
    for (const m of all) clearTimeout(m.retry);
    await Promise.all(all.map((m) => m.process?.stop()));
  }
}

const problemKey = (p: PortProblem): string => JSON.stringify([p.group, p.listener, p.address, p.port, p.holders]);
