// A Nacos registry to watch: what the registry translator resolves from McpBridges and the Nacos provider watches.

/** Username/password (Nacos login) and/or access key/secret key (request signing, as Alibaba Cloud MSE uses). */
export interface NacosCredentials {
  username?: string;
  password?: string;
  accessKey?: string;
  secretKey?: string;
}

/** One Nacos registry of an McpBridge, fully resolved. */
export interface NacosRegistryTarget {
  /** `<namespace>/<bridge>/<registry>`: stable identity across translations. */
  key: string;
  namespace: string;
  bridge: string;
  registry: string;
  /** `nacos`: 1.x HTTP polling only; `nacos2`: 2.x gRPC push, with polling as the fallback. */
  type: 'nacos' | 'nacos2';
  address: { host: string; port: number };
  /** Nacos 2.x gRPC port (HTTP port + 1000, as Nacos clients assume). */
  grpcPort: number;
  /** Namespace id to query (`''` = public). */
  namespaceId: string;
  /** Namespace part of host names. */
  hostNamespace: string;
  groups: string[];
  refreshIntervalMs: number;
  credentials?: NacosCredentials;
}
