// What the Nacos provider watches (one registry of an McpBridge, resolved by the registry translator) and reports.

/** One Nacos registry to watch. Mirrors the registry translator's `NacosRegistrySource`. */
export interface NacosRegistryTarget {
  /** `<namespace>/<bridge>/<registry>`. */
  key: string;
  namespace: string;
  bridge: string;
  registry: string;
  /** `nacos`: 1.x HTTP polling only; `nacos2`: 2.x gRPC push, with polling as the fallback. */
  type: 'nacos' | 'nacos2';
  address: { host: string; port: number };
  grpcPort: number;
  namespaceId: string;
  /** Namespace part of host names. */
  hostNamespace: string;
  groups: string[];
  refreshIntervalMs: number;
  credentials?: { username?: string; password?: string; accessKey?: string; secretKey?: string };
}

/** How one registry is doing, for `/debug/registries` and metrics. */
export interface RegistryStatus {
  key: string;
  type: 'nacos' | 'nacos2';
  address: string;
  /** True while the last refresh (or the push connection) failed: the last known endpoints keep serving. */
  stale: boolean;
  /** `push` while a 2.x gRPC subscription delivers changes, else `poll`. */
  mode: 'push' | 'poll';
  services: number;
  instances: number;
  refreshIntervalMs: number;
  lastSync?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** Refreshes that failed since the provider started. */
  failures: number;
}
