// Everything one stream knows about one resource type: kept in one map keyed by type URL.
import type { NackRecord } from './types';

/** A resource as the proxy holds it: always a version, and the bytes when we sent them. */
export interface HeldResource {
  readonly name: string;
  readonly version: string;
  /** Absent for resources the proxy reported via Delta `initial_resource_versions`. */
  readonly any?: Uint8Array;
}

/** What a session decided to send on one type. */
export interface Plan {
  readonly version: string;
  readonly resources: ReadonlyArray<HeldResource & { readonly any: Uint8Array }>;
  /** Delta only. */
  readonly removed: readonly string[];
  /** Set when `resources` is exactly a snapshot's map of the type, so its encoding can be shared. */
  readonly shareKey?: object;
}

export interface TypeState {
  readonly typeUrl: string;
  /** Subscribed to every resource of the type (explicit "*" or the legacy empty list). */
  wildcard: boolean;
  /** Delta: the wildcard came from an empty first request and ends when a name is subscribed without "*". */
  legacyWildcard: boolean;
  /** SotW: the client has sent a non-empty name list, so an empty list no longer means wildcard. */
  namedOnce: boolean;
  /** Explicitly subscribed names ("*" excluded). */
  names: Set<string>;
  /** What the proxy holds as far as this stream knows: the last SotW response, or the Delta state. */
  held: Map<string, HeldResource>;
  /** Delta: names subscribed since the last response; reported as removed if they do not exist. */
  announceMissing: Set<string>;
  /** A response is owed even if empty (first wildcard request). */
  mustAnswer: boolean;
  /** Nonce of the last response ('' before the first). */
  nonce: string;
  versionSent: string;
  versionAcked: string;
  /** Responses awaiting ACK/NACK: nonce → version. SotW keeps only the latest. */
  outstanding: Map<string, string>;
  lastNack?: NackRecord;
  /** Nonce of the response last NACKed. */
  lastNackNonce: string;
}

export function newTypeState(typeUrl: string): TypeState {
  return {
    typeUrl,
    wildcard: false,
    legacyWildcard: false,
    namedOnce: false,
    names: new Set(),
    held: new Map(),
    announceMissing: new Set(),
    mustAnswer: false,
    nonce: '',
    versionSent: '',
    versionAcked: '',
    outstanding: new Map(),
    lastNackNonce: '',
  };
}

/** The "*" resource name: a wildcard subscription. */
export const WILDCARD = '*';
