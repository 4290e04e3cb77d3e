// The test run's gateway provisioner: one Envoy per Gateway of the class, pointed at the controller's xDS port.
import { getLogger } from '@tidegate/common';
import { EnvoyProcess, buildBootstrap } from '@tidegate/envoy-runner';
import type { KubeClient } from '@tidegate/providers';
import { KubeWatch, key, sleep, type KubeObject } from './kube-watch';

const log = getLogger('gateway-runner');

export interface GatewayRunnerOptions {
  client: KubeClient;
  envoyBinary: string;
  /** The controller's xDS address. */
  xds: { host: string; port: number };
  /** GatewayClass whose Gateways get an Envoy. */
  gatewayClassName: string;
  envoyLogLevel?: string;
  /** Called with each Envoy's pid once it runs (for a watchdog). */
  onEnvoyStarted?: (pid: number) => void;
}

/**
 * Watches Gateways and keeps one Envoy per Gateway of the class, with `node.cluster` the proxy
 * group (`namespace/name`): what a Deployment per Gateway would be in a cluster. Which address
 * the Envoy's listeners bind, and report in the Gateway's status, is the controller's choice
 * (`--address-pool`), so this runner needs no address of its own.
 */
export class GatewayRunner {
  private readonly envoys = new Map<string, EnvoyProcess>();
  private readonly watch: KubeWatch;

  constructor(private readonly options: GatewayRunnerOptions) {
    this.watch = new KubeWatch(options.client, '/apis/gateway.networking.k8s.io/v1/gateways', (objects) => this.reconcile(objects));
  }

  start(): Promise<void> {
    return this.watch.start();
  }

  /** Proxy groups that have an Envoy. */
  groups(): string[] {
    return [...this.envoys.keys()].sort();
  }

  private async reconcile(objects: ReadonlyMap<string, KubeObject>): Promise<void> {
    const wanted = new Set<string>();
    for (const o of objects.values()) {
      const spec = o.spec as { gatewayClassName?: string } | undefined;
      if (spec?.gatewayClassName !== this.options.gatewayClassName || o.metadata.deletionTimestamp) continue;
      wanted.add(key(o));
    }
    const stops = [...this.envoys].filter(([group]) => !wanted.has(group)).map(([group, envoy]) => {
      this.envoys.delete(group);
      log.info({ group }, 'Gateway gone: stopping its Envoy');
      return envoy.stop();
    });
    const starts = [...wanted].filter((group) => !this.envoys.has(group)).map((group) => this.launch(group));
    await Promise.all([...stops, ...starts]);
  }

  private async launch(group: string): Promise<void> {
    const bootstrap = buildBootstrap({ nodeId: `conformance~${group}`, cluster: group, xds: this.options.xds, protocol: 'delta', adminPort: 0 });
    const envoy = new EnvoyProcess({
      binary: this.options.envoyBinary,
      bootstrap,
      adminPort: 0,
      logLevel: this.options.envoyLogLevel ?? 'warning',
      drainTimeSeconds: 0,
      concurrency: 1,
      logger: log.child({ group }),
    });
    this.envoys.set(group, envoy);
    log.info({ group }, 'starting an Envoy for the Gateway');
    // The watchdog must know the process before it is LIVE (and again after any restart).
    envoy.events.on('started', (e) => this.options.onEnvoyStarted?.(e.pid));
    const starting = envoy.start().catch((err: unknown) => log.error({ err, group }, 'Envoy did not start'));
    for (let i = 0; i < 100 && envoy.pid === undefined && envoy.state !== 'stopped'; i++) await sleep(50);
    if (envoy.pid) this.options.onEnvoyStarted?.(envoy.pid);
    await starting;
  }

  async stop(): Promise<void> {
    await this.watch.stop();
    const all = [...this.envoys.values()];
    this.envoys.clear();
    await Promise.all(all.map((e) => e.stop()));
  }
}
