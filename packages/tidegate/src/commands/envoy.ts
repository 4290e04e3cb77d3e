// `tidegate envoy`: what a gateway pod runs — the bundled Envoy pointed at a control plane.
import { Command } from 'commander';
import { configureLogging, getLogger, type LogLevel } from '@tidegate/common';
import { EnvoyProcess, buildBootstrap, locateEnvoy } from '@tidegate/envoy-runner';
import { LOG_LEVELS, hostPort, oneOf, port } from './options';
import { runUntilSignal } from './run-until-signal';
import { addXdsTlsClientFlags, xdsTlsClientFiles, type XdsTlsClientFlags } from './xds-tls-flags';

export function envoyCommand(): Command {
  const cmd = new Command('envoy')
    .description('run the bundled Envoy with a generated bootstrap that connects to a Tidegate control plane')
    .requiredOption('--xds-address <host:port>', 'control plane xDS address', hostPort)
    .requiredOption('--node-id <id>', 'Envoy node id (unique per proxy)')
    .option('--proxy-group <name>', 'proxy group (Gateway "namespace/name") this Envoy serves; defaults to the node id')
    .option('--protocol <p>', 'xDS flavour: sotw or delta', oneOf('sotw', 'delta'), 'delta')
    .option('--envoy-admin-port <port>', 'Envoy admin port (bound on 127.0.0.1)', port, 15000)
    .option('--envoy-log-level <level>', 'Envoy log level', 'warning')
    .addOption(new Command().createOption('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'));
  return addXdsTlsClientFlags(cmd).action(async (flags: XdsTlsClientFlags & {
      xdsAddress: { host: string; port: number };
      nodeId: string;
      proxyGroup?: string;
      protocol: 'sotw' | 'delta';
      envoyAdminPort: number;
      envoyLogLevel: string;
      logLevel: LogLevel;
    }) => {
      configureLogging(flags.logLevel);
      const tls = xdsTlsClientFiles(flags);
      const found = await locateEnvoy({});
      const bootstrap = buildBootstrap({
        nodeId: flags.nodeId,
        cluster: flags.proxyGroup ?? flags.nodeId,
        xds: { ...flags.xdsAddress, ...(tls ? { tls } : {}) },
        protocol: flags.protocol,
        adminPort: flags.envoyAdminPort,
      });
      const envoy = new EnvoyProcess({
        binary: found.path,
        bootstrap,
        adminPort: flags.envoyAdminPort,
        logLevel: flags.envoyLogLevel,
        logger: getLogger('envoy'),
      });
      await runUntilSignal(() => envoy.start(), () => envoy.stop());
    });
}
