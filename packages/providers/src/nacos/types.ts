// What the Nacos provider watches (one registry of an McpBridge, resolved by the registry translator) and reports.

/** One Nacos registry to watch, as the registry translator resolves it from an McpBridge. */
export type { NacosRegistryTarget } from '@tidegate/common';

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
