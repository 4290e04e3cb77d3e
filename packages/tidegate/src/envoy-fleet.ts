// Standalone mode: one supervised bundled Envoy per proxy group, started and stopped as groups come and go.
import { getLogger } from '@tidegate/common';
import { EnvoyProcess, buildBootstrap, locateEnvoy } from '@tidegate/envoy-runner';

const log = getLogger('envoy-fleet');

export interface EnvoyFleetOptions {
  /** Explicit binary; otherwise ENVOY_BIN, the cache, PATH, then a pinned install. */
  binary?: string;
  protocol: 'sotw' | 'delta';
  /** Admin port of the first Envoy; the n-th gets base+n. 0 picks free ports. */
  adminPortBase: number;
  logLevel?: string;
  drainSeconds?: number;
}

interface Member {
  group: string;
  process: EnvoyProcess;
  adminPort: number;
}

export class EnvoyFleet {
  private binary?: string;
  private readonly members = new Map<string, Member>();
  private reconciling: Promise<void> = Promise.resolve();
  private nextIndex = 0;

  constructor(private readonly options: EnvoyFleetOptions & { xds: { host: string; port: number } }) {}

  /** Finds (or installs) Envoy before anything is served, so a missing binary fails fast. */
  async prepare(): Promise<void> {
    const found = await locateEnvoy({ explicitPath: this.options.binary });
    this.binary = found.path;
    log.info({ path: found.path, source: found.source }, 'using Envoy');
  }

  /** Makes the running Envoys match `groups`; calls are serialised. */
  reconcile(groups: string[]): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.doReconcile(groups)).catch((err: unknown) => {
      log.error({ err }, 'reconcile failed');
    });
    return this.reconciling;
  }

  private async doReconcile(groups: string[]): Promise<void> {
    const wanted = new Set(groups);
    for (const [group, member] of this.members) {
      if (wanted.has(group)) continue;
      this.members.delete(group);
      log.info({ group }, 'proxy group removed; stopping its Envoy');
      await member.process.stop();
    }
    await Promise.all(groups.filter((g) => !this.members.has(g)).map((g) => this.launch(g)));
  }

  private async launch(group: string): Promise<void> {
    const base = this.options.adminPortBase;
    const adminPort = base === 0 ? 0 : base + this.nextIndex++;
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
    this.members.set(group, { group, process, adminPort });
    log.info({ group }, 'starting Envoy for proxy group');
    await process.start();
  }

  list(): Array<{ group: string; adminAddress?: string; pid?: number }> {
    return [...this.members.values()].map((m) => ({
      group: m.group,
      adminAddress: m.process.adminAddress,
      pid: m.process.pid,
    }));
  }

  async stopAll(): Promise<void> {
    await this.reconciling;
    const all = [...this.members.values()];
    this.members.clear();
    await Promise.all(all.map((m) => m.process.stop()));
  }
}
