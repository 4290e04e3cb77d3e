// Public shapes of the xDS server: node identity, sync status and ACK/NACK events.

/** The `envoy.config.core.v3.Node` of a proxy, as decoded (snake_case, unset fields absent). */
export interface XdsNode {
  id: string;
  cluster: string;
  user_agent_name?: string;
  [field: string]: unknown;
}

/** Which xDS transport variant a stream speaks. */
export type XdsProtocol = 'sotw' | 'delta';

/** Short name of a resource type as used in metrics, logs and status. */
export type XdsTypeName = 'CDS' | 'EDS' | 'LDS' | 'RDS' | 'SRDS' | 'SDS';

/** Maps a proxy's node to the proxy group whose snapshot it is served. */
export type GroupOf = (node: XdsNode) => string;

/** The last rejection of a type on one stream. */
export interface NackRecord {
  /** The version the proxy rejected. */
  version: string;
  /** `error_detail.message` as sent by the proxy. */
  message: string;
  at: Date;
}

/** One row of `XdsServer.syncStatus()`: one type on one connected stream. */
export interface SyncStatusEntry {
  nodeId: string;
  group: string;
  streamId: number;
  protocol: XdsProtocol;
  /** Short name for the known types, else the type URL. */
  type: XdsTypeName | string;
  /** Version of the last response sent ('' if none yet). For Delta, its `system_version_info`. */
  versionSent: string;
  /** Version the proxy last reported as applied ('' if none). */
  versionAcked: string;
  /** True while a response on this type awaits its ACK or NACK. */
  pending: boolean;
  lastNack?: NackRecord;
}

/** Passed to `onAck` / `onNack` listeners. */
export interface XdsAckEvent {
  nodeId: string;
  group: string;
  typeUrl: string;
  /** ACK: the version applied. NACK: the version rejected. */
  version: string;
  /** NACK only: the proxy's error message. */
  message?: string;
  streamId: number;
  protocol: XdsProtocol;
}

export type XdsAckListener = (event: XdsAckEvent) => void;

/** One connected proxy (one node id), with the streams it holds open. */
export interface ConnectedProxy {
  nodeId: string;
  group: string;
  streams: Array<{ streamId: number; protocol: XdsProtocol; types: string[] }>;
}
