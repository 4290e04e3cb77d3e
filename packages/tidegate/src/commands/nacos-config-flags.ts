// `--nacos-config HOST:PORT` (and namespace/group): read resources from Nacos configuration instead of (or besides) a directory.
import { Command, InvalidArgumentError } from 'commander';
import type { NacosConfigProviderOptions } from '@tidegate/providers';
import { hostPort } from './options';

export interface NacosConfigFlags {
  nacosConfig?: { host: string; port: number };
  nacosNamespace?: string;
  nacosGroup?: string;
}

export function addNacosConfigFlags(cmd: Command): Command {
  return cmd
    .option('--nacos-config <host:port>', 'read resources from Nacos configs (one per resource; see providers/src/nacos/README.md)', hostPort)
    .option('--nacos-namespace <id>', 'Nacos namespace id holding the configs (default: public)')
    .option('--nacos-group <group>', 'Nacos group holding the configs', 'tidegate');
}

/**
 * Provider options from the flags; credentials come from `NACOS_USERNAME`/`NACOS_PASSWORD`
 * (or `NACOS_ACCESS_KEY`/`NACOS_SECRET_KEY`) so they stay out of the process list.
 */
export function nacosConfigOptions(flags: NacosConfigFlags, env: NodeJS.ProcessEnv = process.env): NacosConfigProviderOptions | undefined {
  if (!flags.nacosConfig) {
    if (flags.nacosNamespace !== undefined) throw new InvalidArgumentError('--nacos-namespace needs --nacos-config');
    return undefined;
  }
  const credentials = {
    ...(env.NACOS_USERNAME ? { username: env.NACOS_USERNAME, password: env.NACOS_PASSWORD ?? '' } : {}),
    ...(env.NACOS_ACCESS_KEY ? { accessKey: env.NACOS_ACCESS_KEY, secretKey: env.NACOS_SECRET_KEY ?? '' } : {}),
  };
  return {
    address: flags.nacosConfig,
    namespaceId: flags.nacosNamespace ?? '',
    group: flags.nacosGroup ?? 'tidegate',
    ...(Object.keys(credentials).length ? { credentials } : {}),
  };
}
