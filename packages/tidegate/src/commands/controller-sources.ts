// Which configuration sources `tidegate controller` watches: a directory, the Kubernetes API server, Nacos configuration.
import type { ControlPlaneOptions } from '../control-plane';
import { nacosConfigOptions, type NacosConfigFlags } from './nacos-config-flags';

export interface ControllerSourceFlags extends NacosConfigFlags {
  configDir?: string;
  kubeconfig?: string;
  watchNamespace?: string;
}

/**
 * Kubernetes unless only `--config-dir` is given (with `--kubeconfig` too, both); `--nacos-config`
 * adds Nacos configuration to either, with the same flags and credentials as standalone.
 */
export function controllerSources(flags: ControllerSourceFlags, env: NodeJS.ProcessEnv = process.env): Pick<ControlPlaneOptions, 'configDir' | 'kubernetes' | 'nacosConfig'> {
  const useKubernetes = flags.kubeconfig !== undefined || flags.configDir === undefined;
  const nacosConfig = nacosConfigOptions(flags, env);
  return {
    ...(flags.configDir !== undefined ? { configDir: flags.configDir } : {}),
    ...(useKubernetes ? { kubernetes: { kubeconfig: flags.kubeconfig, watchNamespace: flags.watchNamespace } } : {}),
    ...(nacosConfig ? { nacosConfig } : {}),
  };
}
