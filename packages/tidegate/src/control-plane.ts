// The composition root: starts every stage in a fixed order and stops them in reverse.
import { Subscription, Subject } from 'rxjs';
import { Topic, getLogger, joinLists, type ObjectStatus, type ResourceSnapshot } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import { FileProvider, KubernetesProvider, type KubernetesProviderOptions, type Provider } from '@tidegate/providers';
import { SnapshotCache, XdsServer, type XdsTlsOptions } from '@tidegate/xds-server';
import { AdminServer, METRICS_PATHS } from './admin/admin-server';
import { createMetrics, type Metrics } from './admin/metrics';
import { EnvoyFleet, type EnvoyFleetOptions } from './envoy-fleet';
import type { TranslatedState } from './pipeline/translate';
import { translateAndPublish } from './pipeline/held-publish';
import { HeldObjects } from './pipeline/held-objects';
import { GatewayTranslationCache, IngressTranslationCache, checkObjectSchema, type AnnotationFinding, type EnvoyTranslateOptions } from '@tidegate/translator';
import { ingressTranslateOptions, type IngressOptions } from './pipeline/translate-ingress';
import { SnapshotPublisher, type PublishReport } from './pipeline/publish';
import { RejectionTracker } from './pipeline/rejections';
import { portHeldErrors } from './pipeline/port-claims';
import { FindingLog, configFindings } from './pipeline/finding-log';
import { createRegistryProvider, registerRegistryMetrics } from './pipeline/registries';
import { NacosConfigProvider, type NacosConfigProviderOptions } from '@tidegate/providers';
import type { NacosProvider, RegistryStatus } from '@tidegate/providers';

const log = getLogger('control-plane');

export const CONTROLLER_NAME = 'tidegate.io/gateway-controller';

export interface ControlPlaneOptions {
  /** Standalone source: a directory of Kubernetes-style YAML. */
  configDir?: string;
  /** Standalone source: Nacos configuration, one config per resource. */
  nacosConfig?: NacosConfigProviderOptions;
  /** Watch the Kubernetes API server (status is written back by the Lease holder). */
  kubernetes?: KubernetesProviderOptions;
  /** Plaintext xDS: every client is served the group its node names (keep it on loopback). */
  xds: { host: string; port: number };
  /** Mutual-TLS xDS: each proxy is served only the group its client certificate names. */
  xdsTls?: { host: string; port: number } & XdsTlsOptions;
  /** Admin HTTP: every endpoint, the debug views included (keep it on loopback). */
  admin: { host: string; port: number };
  /** A second listener serving only /metrics, /healthz and /readyz, which carry no configuration (probes, Prometheus). */
  metrics?: { host: string; port: number };
  /** Where Gateway listeners bind when a Gateway names no address. */
  defaultListenAddress: string;
  /** IPv4 CIDR: each Gateway that names no address gets its own from it instead of `defaultListenAddress`. */
  addressPool?: string;
  /** Serve Ingresses through one default gateway on `defaultListenAddress` (absent: Ingresses are ignored). */
  ingress?: IngressOptions;
  /**
   * Quiet time after a resource change before translating. Small, because the file
   * provider already debounces editor bursts; `maxWaitMs` caps the delay under a
   * constant stream of changes.
   */
  coalesce?: { debounceMs: number; maxWaitMs: number };
  /** Run and supervise one bundled Envoy per proxy group (standalone). */
  envoy?: EnvoyFleetOptions;
  /** How IR becomes Envoy resources (e.g. when a large listener gets one route configuration per host). */
  envoyTranslation?: EnvoyTranslateOptions;
}

export class ControlPlane {
  /** Per-Ingress and per-host results kept between translations (one change re-translates its hosts only). */
  private readonly ingressCache = new IngressTranslationCache();
  /** Per-route rule translations kept between translations (one changed route re-translates its own rules). */
  private readonly gatewayCache = new GatewayTranslationCache();
  readonly metrics: Metrics = createMetrics();
  readonly cache = new SnapshotCache();
  readonly xds: XdsServer;
  /** Every translation result, for status views and tests. */
  // Always a fresh value after a translation; comparing it deeply would only cost time.
  readonly translated = new Topic<TranslatedState>('translated', undefined, () => false);
  /** Every publish, after the snapshot cache was updated. */
  readonly published = new Subject<PublishReport>();
  readonly providers: Provider[] = [];
  private readonly admin: AdminServer;
  private readonly metricsServer: AdminServer;
  private readonly publisher: SnapshotPublisher;
  private readonly rejections: RejectionTracker;
  /** Objects whose latest version was rejected, served at their last accepted version. */
  private readonly held = new HeldObjects();
  private lastSnapshot?: ResourceSnapshot;
  private lastTranslated?: { translated: ResourceSnapshot; statuses: ObjectStatus[] };
  /** Logs each configuration error once, when it appears or changes. */
  private readonly findingLog = new FindingLog(log);
  private fleet?: EnvoyFleet;
  /** Watches the service registries McpBridges declare (after the configuration providers, which it reads). */
  private readonly registries: NacosProvider;
  private subscription?: Subscription;
  private ready = false;
  private stopped = false;
  xdsPort = 0;
  /** The mutual-TLS xDS port (0 when `xdsTls` is not set). */
  xdsTlsPort = 0;
  adminPort = 0;
  /** The metrics listener's port (0 when `metrics` is not set). */
  metricsPort = 0;

  constructor(private readonly options: ControlPlaneOptions) {
    this.xds = new XdsServer({ cache: this.cache, registry: this.metrics.registry });
    this.admin = new AdminServer(this);
    this.metricsServer = new AdminServer(this, METRICS_PATHS);
    this.publisher = new SnapshotPublisher(this.cache, this.metrics, options.envoyTranslation);
    this.rejections = new RejectionTracker(this.xds, this.held, {
      current: () => this.lastTranslated,
      reapply: () => {
        if (this.lastSnapshot && !this.stopped) this.apply(this.lastSnapshot);
      },
    });
    // Each object's last version that passes the translators' checks keeps serving while a newer one fails them.
    const check = checkObjectSchema;
    if (options.configDir) this.providers.push(new FileProvider({ dir: options.configDir, check }));
    if (options.kubernetes) this.providers.push(new KubernetesProvider({ controllerName: CONTROLLER_NAME, check, ...options.kubernetes }));
    if (options.nacosConfig) this.providers.push(new NacosConfigProvider({ check, ...options.nacosConfig }));
    this.registries = createRegistryProvider([...this.providers]);
    this.providers.push(this.registries);
    registerRegistryMetrics(this.metrics.registry, () => this.registryStatus());
  }

  async start(): Promise<void> {
    this.adminPort = await this.admin.listen(this.options.admin.host, this.options.admin.port);
    const metrics = this.options.metrics;
    if (metrics) this.metricsPort = await this.metricsServer.listen(metrics.host, metrics.port);
    this.xdsPort = await this.xds.listen(this.options.xds.host, this.options.xds.port);
    const tls = this.options.xdsTls;
    if (tls) this.xdsTlsPort = await this.xds.listenTls(tls.host, tls.port, tls);
    log.info(
      {
        xds: `${this.options.xds.host}:${this.xdsPort}`,
        ...(tls ? { xdsTls: `${tls.host}:${this.xdsTlsPort}` } : {}),
        admin: `${this.options.admin.host}:${this.adminPort}`,
        ...(metrics ? { metrics: `${metrics.host}:${this.metricsPort}` } : {}),
      },
      'control plane listening',
    );
    if (!isLoopback(this.options.admin.host)) {
      log.warn({ admin: this.options.admin.host }, 'the admin endpoint is open beyond loopback: its /debug views show every gateway\'s configuration (secrets redacted); --metrics-port serves /metrics alone');
    }
    if (!isLoopback(this.options.xds.host)) {
      log.warn({ xds: this.options.xds.host }, "plaintext xDS is open beyond loopback: any client there can fetch any gateway's configuration and secrets");
    }
    if (this.options.envoy) {
      this.fleet = new EnvoyFleet({ ...this.options.envoy, xds: { host: connectHost(this.options.xds.host), port: this.xdsPort } });
      await this.fleet.prepare();
    }
    const firstPublish = new Promise<void>((resolve) => {
      const s = this.published.subscribe(() => {
        resolve();
        s.unsubscribe();
      });
    });
    for (const provider of this.providers) {
      await provider.start();
      if (this.stopped) return; // stop() during start-up (a provider may wait for its source indefinitely)
    }
    this.subscription = this.wire();
    await firstPublish;
    this.ready = true;
  }

  /** provider topics → translate → publish → (standalone) reconcile the Envoy fleet. */
  private wire(): Subscription {
    const merged = new Topic<ResourceSnapshot>('resources');
    const subs = new Subscription();
    const latest = new Map<Provider, ResourceSnapshot>();
    for (const provider of this.providers) {
      subs.add(
        provider.resources.subscribe((snapshot) => {
          latest.set(provider, snapshot);
          if (latest.size < this.providers.length) return; // publish only once every source is complete
          const snapshots = [...latest.values()];
          merged.publish({ objects: joinLists(snapshots.map((s) => s.objects)), errors: joinLists(snapshots.map((s) => s.errors)) });
        }),
      );
    }
    if (this.providers.length === 0) merged.publish({ objects: [], errors: [] });
    // Providers debounce their own changes; this only gathers snapshots that arrive together.
    const coalesce = this.options.coalesce ?? { debounceMs: 2, maxWaitMs: 1000 };
    subs.add(merged.subscribe((snapshot) => this.apply(snapshot), coalesce));
    return subs;
  }

  private apply(snapshot: ResourceSnapshot): void {
    const stop = this.metrics.translationSeconds.startTimer();
    this.lastSnapshot = snapshot;
    // Held objects (rejected by the checks or by Envoy) are translated at their last accepted version.
    const { state, translated, report } = translateAndPublish(
      snapshot,
      {
        controllerName: CONTROLLER_NAME,
        defaultListenAddress: this.options.defaultListenAddress,
        gatewayCache: this.gatewayCache,
        // The bundled fleet runs every group's Envoy on this host: no two may bind one socket.
        ...(this.options.envoy ? { sharedHost: true } : {}),
        ...(this.options.addressPool ? { addressPool: this.options.addressPool } : {}),
        ...(this.options.ingress ? { ingress: { ...ingressTranslateOptions(this.options.ingress, this.options.defaultListenAddress), cache: this.ingressCache } } : {}),
      },
      this.held,
      this.publisher,
    );
    stop();
    this.lastTranslated = { translated, statuses: state.statuses };
    this.rejections.published();
    this.translated.publish(state);
    this.metrics.configErrors.set(state.errors.length);
    this.metrics.proxyGroups.set(this.cache.groups().length);
    this.findingLog.update(configFindings(state));
    for (const provider of this.providers) {
      provider.writeStatus?.(state.statuses).catch((err: unknown) => log.error({ err }, 'status write failed'));
    }
    this.fleet?.reconcile(this.cache.groups(), state.proxyGroups).catch((err: unknown) => log.error({ err }, 'envoy fleet reconcile failed'));
    this.published.next(report);
  }

  /** The first complete configuration is published and (standalone) every proxy group has a LIVE Envoy. */
  isReady(): boolean {
    return this.ready && (this.fleet?.allLive() ?? true);
  }

  currentIr(): ProxyGroup[] {
    return this.translated.value?.proxyGroups ?? [];
  }

  statusReport(): { statuses: unknown[]; errors: unknown[] } {
    const state = this.translated.value;
    const portErrors = portHeldErrors(this.fleet?.portProblems() ?? [], state?.portOwners ?? []);
    return { statuses: state?.statuses ?? [], errors: [...(state?.errors ?? []), ...this.rejections.errors(), ...portErrors] };
  }

  /**
   * Every ingress-nginx / Higress annotation on Ingresses of our class and what became of it
   * (supported, partly, unsupported, invalid), optionally for one Ingress (`namespace/name`).
   */
  ingressReport(ingress?: string): { summary: Record<string, number>; findings: AnnotationFinding[] } {
    const findings = (this.translated.value?.ingressAnnotations ?? []).filter((f) => !ingress || `${f.ingress.namespace}/${f.ingress.name}` === ingress);
    const summary: Record<string, number> = { supported: 0, partly: 0, unsupported: 0, invalid: 0 };
    for (const f of findings) summary[f.support] = (summary[f.support] ?? 0) + 1;
    return { summary, findings };
  }

  /** Every watched registry: stale or not, push or poll, counts, last error. */
  registryStatus(): RegistryStatus[] {
    return this.registries.status.value ?? [];
  }

  /** Envoys the standalone fleet runs, by proxy group. */
  envoys(): ReturnType<EnvoyFleet['list']> {
    return this.fleet?.list() ?? [];
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.stopped = true;
    // Cut the pipeline first: a translation landing while Envoys stop would launch new ones.
    this.subscription?.unsubscribe();
    this.rejections.close();
    await this.fleet?.stopAll();
    for (const provider of [...this.providers].reverse()) await provider.stop();
    await this.xds.close();
    await this.admin.close();
    await this.metricsServer.close();
    this.published.complete();
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A wildcard bind address is not somewhere Envoy can connect to. */
function connectHost(bindHost: string): string {
  if (bindHost === '0.0.0.0') return '127.0.0.1';
  if (bindHost === '::') return '::1';
  return bindHost;
}
