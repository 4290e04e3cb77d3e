// Public API of @tidegate/xds-server.
export { SnapshotCache, type Snapshot, type SnapshotWatcher } from './snapshot-cache';
export { XdsServer, defaultGroupOf, type XdsServerOptions } from './xds-server';
export { XdsServerError, type XdsServerErrorCode } from './errors';
export { setVersion } from './versions';
export type {
  ConnectedProxy,
  GroupOf,
  NackRecord,
  SyncStatusEntry,
  XdsAckEvent,
  XdsAckListener,
  XdsNode,
  XdsProtocol,
  XdsTypeName,
} from './types';
