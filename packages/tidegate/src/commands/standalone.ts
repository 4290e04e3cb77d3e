// `tidegate standalone` and `tidegate controller`: the control plane from a config directory.
import { Command } from 'commander';
import { configureLogging, type LogLevel } from '@tidegate/common';
import { ControlPlane } from '../control-plane';
import { LOG_LEVELS, oneOf, port } from './options';
import { runUntilSignal } from './run-until-signal';

interface PlaneFlags {
  configDir?: string;
  xdsPort: number;
  xdsAddress: string;
  adminPort: number;
  adminAddress: string;
  listenAddress: string;
  logLevel: LogLevel;
}

function addPlaneFlags(cmd: Command): Command {
  return cmd
    .option('--xds-port <port>', 'xDS gRPC port (plaintext)', port, 15010)
    .option('--xds-address <addr>', 'address the xDS server binds', '127.0.0.1')
    .option('--admin-port <port>', 'admin HTTP port (/metrics, /debug/*, /healthz, /readyz)', port, 15014)
    .option('--admin-address <addr>', 'address the admin HTTP server binds', '127.0.0.1')
    .option('--listen-address <addr>', 'address Gateway listeners bind when a Gateway names none', '0.0.0.0')
    .addOption(new Command().createOption('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'));
}

export function standaloneCommand(): Command {
  const cmd = new Command('standalone')
    .description('control plane + bundled Envoy (one per Gateway) from a directory of Kubernetes-style YAML')
    .requiredOption('--config-dir <dir>', 'directory of YAML resources, watched for changes')
    .option('--http-port <port>', 'HTTP port of the default gateway for Ingress objects (no effect until Ingress support lands)', port, 8080)
    .option('--https-port <port>', 'HTTPS port of the default gateway for Ingress objects (no effect until Ingress support lands)', port, 8443)
    .option('--envoy-protocol <p>', 'how the bundled Envoy speaks xDS: sotw or delta', oneOf('sotw', 'delta'), 'delta')
    .option('--envoy-admin-port <port>', 'admin port of the first bundled Envoy (next ones count up; 0 = any free port)', port, 15000)
    .option('--envoy-log-level <level>', 'log level of the bundled Envoy', 'warning');
  return addPlaneFlags(cmd).action(async (flags: PlaneFlags & { envoyProtocol: 'sotw' | 'delta'; envoyAdminPort: number; envoyLogLevel: string }) => {
    configureLogging(flags.logLevel);
    const plane = new ControlPlane({
      configDir: flags.configDir,
      xds: { host: flags.xdsAddress, port: flags.xdsPort },
      admin: { host: flags.adminAddress, port: flags.adminPort },
      defaultListenAddress: flags.listenAddress,
      envoy: { protocol: flags.envoyProtocol, adminPortBase: flags.envoyAdminPort, logLevel: flags.envoyLogLevel },
    });
    await runUntilSignal(() => plane.start(), () => plane.stop());
  });
}

export function controllerCommand(): Command {
  const cmd = new Command('controller')
    .description('the control plane alone; Envoys elsewhere connect to its xDS port')
    .option('--config-dir <dir>', 'directory of YAML resources, watched for changes');
  return addPlaneFlags(cmd).action(async (flags: PlaneFlags) => {
    configureLogging(flags.logLevel);
    const plane = new ControlPlane({
      configDir: flags.configDir,
      xds: { host: flags.xdsAddress, port: flags.xdsPort },
      admin: { host: flags.adminAddress, port: flags.adminPort },
      defaultListenAddress: flags.listenAddress,
    });
    await runUntilSignal(() => plane.start(), () => plane.stop());
  });
}
