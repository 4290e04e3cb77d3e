// Public API of the Kubernetes provider.
export { KubernetesProvider, type KubernetesProviderOptions } from './kubernetes-provider';
export { KubeClient, KubeApiError, loadKubeConfig } from './kube-client';
export { LeaderElector, type LeaderElectionOptions } from './leader-election';
export { WATCHED_KINDS, type WatchedKind } from './watched-kinds';
export type { KubeConfig } from './client-node';
export { startKubeApiServer, kubeComponents, freePorts, type KubeApiServer, type KubeComponents, type StartOptions as KubeApiServerOptions } from './local-api-server';
