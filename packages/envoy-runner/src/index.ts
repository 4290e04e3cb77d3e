// Public API of @tidegate/envoy-runner: find or install Envoy, generate its bootstrap, supervise it, query its admin API.
export { EnvoyRunnerError, type EnvoyRunnerErrorCode } from './errors';
export { ENVOY_VERSION, envoyVersion, parseEnvoyVersion } from './version';
export { locateEnvoy, envoyCacheDir, type LocateEnvoyOptions, type LocatedEnvoy, type EnvoySource } from './locate';
export { buildBootstrap, TIDEGATE_RUNTIME, XDS_CLUSTER, type BootstrapOptions, type EnvoyBootstrap, type XdsTlsFiles } from './bootstrap';
export { validateBootstrap } from './validate';
export {
  EnvoyProcess,
  type EnvoyProcessOptions,
  type EnvoyProcessEvents,
  type EnvoyProcessState,
  type EnvoyStartedEvent,
  type EnvoyExitedEvent,
  type EnvoyRestartingEvent,
} from './envoy-process';
export { RestartBackoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { portHolders, portHeldMessage, describeHolders, type PortHolder } from './port-holders';
export { type EnvoyLogSink, type EnvoyLogLevel, parseEnvoyLogLine } from './envoy-log';
export {
  EnvoyAdmin,
  type EnvoyServerState,
  type ClusterStatus,
  type ListenerStatus,
  type ConfigDump,
  type ConfigDumpQuery,
  type AdminResponse,
} from './admin';
