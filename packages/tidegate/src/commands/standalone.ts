// `tidegate standalone` and `tidegate controller`: the control plane from a config directory.
import { Command } from 'commander';
import { configureLogging, type LogLevel } from '@tidegate/common';
import { ControlPlane } from '../control-plane';
import { DEFAULT_SCOPED_ROUTES_MIN_HOSTS } from '@tidegate/translator';
import { LOG_LEVELS, cidr, count, oneOf, port } from './options';
import { runUntilSignal } from './run-until-signal';
import { addNacosConfigFlags, nacosConfigOptions, type NacosConfigFlags } from './nacos-config-flags';
import { controllerSources, type ControllerSourceFlags } from './controller-sources';
import { addXdsTlsServerFlags, xdsTlsServerOptions, type XdsTlsServerFlags } from './xds-tls-flags';

interface PlaneFlags extends XdsTlsServerFlags {
  configDir?: string;
  xdsPort: number;
  xdsAddress: string;
  adminPort: number;
  adminAddress: string;
  metricsPort?: number;
  metricsAddress: string;
  listenAddress: string;
  addressPool?: string;
  scopedRoutesMinHosts: number;
  logLevel: LogLevel;
}

function addPlaneFlags(cmd: Command): Command {
  cmd
    .option('--xds-port <port>', 'xDS gRPC port (plaintext: any client gets any gateway\'s configuration, so loopback by default)', port, 15010)
    .option('--xds-address <addr>', 'address the plaintext xDS port binds', '127.0.0.1');
  return addXdsTlsServerFlags(cmd)
    .option('--admin-port <port>', 'admin HTTP port (/metrics, /debug/*, /healthz, /readyz)', port, 15014)
    .option('--admin-address <addr>', 'address the admin HTTP server binds (its /debug views show the whole configuration: keep it on loopback)', '127.0.0.1')
    .option('--metrics-port <port>', 'also serve /metrics, /healthz and /readyz alone on this port (for Prometheus and probes)', port)
    .option('--metrics-address <addr>', 'address the --metrics-port listener binds', '0.0.0.0')
    .option('--listen-address <addr>', 'address Gateway listeners bind when a Gateway names none, and the Ingress default gateway binds', '0.0.0.0')
    .option('--address-pool <cidr>', 'IPv4 CIDR: each Gateway that names no address gets its own from it (instead of --listen-address)', cidr)
    .option(
      '--scoped-routes-min-hosts <n>',
      'a listener with at least this many hosts, all exact names, gets one route configuration per host so Envoy applies a change to one host alone (0: never)',
      count,
      DEFAULT_SCOPED_ROUTES_MIN_HOSTS,
    )
    .addOption(new Command().createOption('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'));
}

export function standaloneCommand(): Command {
  const cmd = new Command('standalone')
    .description('control plane + bundled Envoy (one per Gateway) from a directory of Kubernetes-style YAML')
    .option('--config-dir <dir>', 'directory of YAML resources, watched for changes (this and/or --nacos-config)')
    .option('--http-port <port>', 'HTTP port of the default gateway that serves Ingress objects', port, 8080)
    .option('--https-port <port>', 'HTTPS port of the default gateway (listens when some Ingress has TLS)', port, 8443)
    .option('--ingress-class <name>', 'IngressClass to serve ("nginx" also takes Ingresses that name no class)', 'tidegate')
    .option('--publish-address <addr>', 'address written to Ingress status.loadBalancer (default: --listen-address, or 127.0.0.1 when that is a wildcard)')
    .option('--envoy-protocol <p>', 'how the bundled Envoy speaks xDS: sotw or delta', oneOf('sotw', 'delta'), 'delta')
    .option('--envoy-admin-port <port>', 'admin port of the first bundled Envoy (next ones count up; 0 = any free port)', port, 15000)
    .option('--envoy-log-level <level>', 'log level of the bundled Envoy', 'warning');
  type IngressFlags = { httpPort: number; httpsPort: number; ingressClass: string; publishAddress?: string };
  return addPlaneFlags(addNacosConfigFlags(cmd)).action(async (flags: PlaneFlags & NacosConfigFlags & IngressFlags & { envoyProtocol: 'sotw' | 'delta'; envoyAdminPort: number; envoyLogLevel: string }) => {
    configureLogging(flags.logLevel);
    const nacosConfig = nacosConfigOptions(flags);
    if (!flags.configDir && !nacosConfig) cmd.error('error: give --config-dir and/or --nacos-config');
    // A proxy group whose Envoy cannot be started after the retries ends standalone, non-zero, with the reason.
    let onGiveUp!: (err: Error) => void;
    const gaveUp = new Promise<Error>((resolve) => (onGiveUp = resolve));
    const plane = new ControlPlane({
      configDir: flags.configDir,
      ...(nacosConfig ? { nacosConfig } : {}),
      xds: { host: flags.xdsAddress, port: flags.xdsPort },
      xdsTls: xdsTlsServerOptions(flags, cmd),
      admin: { host: flags.adminAddress, port: flags.adminPort },
      ...metricsListener(flags),
      defaultListenAddress: flags.listenAddress,
      ...(flags.addressPool ? { addressPool: flags.addressPool } : {}),
      envoyTranslation: { scopedRoutesMinHosts: flags.scopedRoutesMinHosts },
      ingress: { ingressClass: flags.ingressClass, httpPort: flags.httpPort, httpsPort: flags.httpsPort, ...(flags.publishAddress ? { publishAddress: flags.publishAddress } : {}) },
      envoy: { protocol: flags.envoyProtocol, adminPortBase: flags.envoyAdminPort, logLevel: flags.envoyLogLevel, onGiveUp },
    });
    await runUntilSignal(() => plane.start(), () => plane.stop(), gaveUp);
  });
}

export function controllerCommand(): Command {
  const cmd = new Command('controller')
    .description('the control plane alone; Envoys elsewhere connect to its xDS port')
    .option('--config-dir <dir>', 'directory of YAML resources, watched for changes')
    .option('--kubeconfig <path>', 'watch this Kubernetes API server (default without --config-dir: in-cluster, then KUBECONFIG)')
    .option('--watch-namespace <ns>', 'watch only this namespace (Kubernetes)')
    .option('--ingress-class <name>', 'IngressClass to serve through the default gateway (proxy group tidegate/ingress)', 'tidegate')
    .option('--http-port <port>', 'HTTP port of the default gateway that serves Ingress objects', port, 8080)
    .option('--https-port <port>', 'HTTPS port of the default gateway', port, 8443)
    .option('--publish-address <addr>', 'address written to Ingress status.loadBalancer (e.g. the gateway Service address)');
  type ControllerFlags = PlaneFlags & ControllerSourceFlags & { ingressClass: string; httpPort: number; httpsPort: number; publishAddress?: string };
  return addPlaneFlags(addNacosConfigFlags(cmd)).action(async (flags: ControllerFlags) => {
    configureLogging(flags.logLevel);
    const plane = new ControlPlane({
      ...controllerSources(flags),
      ingress: { ingressClass: flags.ingressClass, httpPort: flags.httpPort, httpsPort: flags.httpsPort, ...(flags.publishAddress ? { publishAddress: flags.publishAddress } : {}) },
      xds: { host: flags.xdsAddress, port: flags.xdsPort },
      xdsTls: xdsTlsServerOptions(flags, cmd),
      admin: { host: flags.adminAddress, port: flags.adminPort },
      ...metricsListener(flags),
      defaultListenAddress: flags.listenAddress,
      ...(flags.addressPool ? { addressPool: flags.addressPool } : {}),
      envoyTranslation: { scopedRoutesMinHosts: flags.scopedRoutesMinHosts },
    });
    await runUntilSignal(() => plane.start(), () => plane.stop());
  });
}

/** The /metrics-only listener, when --metrics-port asks for one. */
function metricsListener(flags: PlaneFlags): { metrics?: { host: string; port: number } } {
  return flags.metricsPort === undefined ? {} : { metrics: { host: flags.metricsAddress, port: flags.metricsPort } };
}
