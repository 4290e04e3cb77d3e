// Public API of @tidegate/xds-server.
export { SnapshotCache, type Snapshot, type SnapshotWatcher } from './snapshot-cache';
export { XdsServer, defaultGroupOf, type XdsListenAddress, type XdsServerOptions, type XdsTlsOptions } from './xds-server';
export {
  TIDEGATE_TRUST_DOMAIN,
  gatewaySpiffeId,
  groupOfSpiffeId,
  identityOfCertificate,
  type CertificateNames,
  type PeerIdentity,
} from './peer-identity';
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
