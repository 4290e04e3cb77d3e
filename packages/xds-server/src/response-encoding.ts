// Builds DiscoveryResponse / DeltaDiscoveryResponse bytes around resources encoded once by the translator.
import * as protobuf from 'protobufjs';

// Field numbers from envoy/service/discovery/v3/discovery.proto.
const SOTW = { versionInfo: 1, resources: 2, typeUrl: 4, nonce: 5 } as const;
const DELTA = { systemVersionInfo: 1, resources: 2, typeUrl: 4, nonce: 5, removedResources: 6 } as const;
const RESOURCE = { version: 1, resource: 2, name: 3 } as const;

const LENGTH_DELIMITED = 2;
const tag = (field: number): number => (field << 3) | LENGTH_DELIMITED;

/** A resource as a response needs it: its name, version and pre-encoded `Any` bytes. */
export interface WireResource {
  readonly name: string;
  readonly version: string;
  readonly any: Uint8Array;
}

export interface SotwResponseFields {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: readonly WireResource[];
}

export interface DeltaResponseFields {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: readonly WireResource[];
  removedResources: readonly string[];
}

/**
 * The encoded `resources` fields of one resource list, built once per list and shared by
 * every stream that sends exactly that list (a wildcard type's full snapshot). Keyed
 * weakly, so a replaced snapshot takes its block with it.
 */
const sharedBlocks = new WeakMap<object, Buffer>();

function resourcesBlock(resources: readonly WireResource[]): Buffer {
  const w = protobuf.Writer.create();
  for (const res of resources) w.uint32(tag(SOTW.resources)).bytes(res.any);
  return toBuffer(w.finish());
}

/**
 * Encodes a SotW DiscoveryResponse; each resource's `Any` bytes are copied in as they are.
 * With `shareKey` (an object that identifies `resources`, e.g. the snapshot's map of the
 * type), the resources part is encoded once and reused; fields concatenate in protobuf.
 */
export function encodeSotwResponse(r: SotwResponseFields, shareKey?: object): Buffer {
  let block = shareKey ? sharedBlocks.get(shareKey) : undefined;
  if (!block) {
    block = resourcesBlock(r.resources);
    if (shareKey) sharedBlocks.set(shareKey, block);
  }
  const head = protobuf.Writer.create();
  if (r.versionInfo) head.uint32(tag(SOTW.versionInfo)).string(r.versionInfo);
  const tail = protobuf.Writer.create();
  tail.uint32(tag(SOTW.typeUrl)).string(r.typeUrl);
  tail.uint32(tag(SOTW.nonce)).string(r.nonce);
  return Buffer.concat([toBuffer(head.finish()), block, toBuffer(tail.finish())]);
}

/** Encodes a DeltaDiscoveryResponse: each resource wrapped in a `Resource { name, version, resource }`. */
export function encodeDeltaResponse(r: DeltaResponseFields): Buffer {
  const w = protobuf.Writer.create();
  if (r.systemVersionInfo) w.uint32(tag(DELTA.systemVersionInfo)).string(r.systemVersionInfo);
  for (const res of r.resources) {
    w.uint32(tag(DELTA.resources)).fork();
    w.uint32(tag(RESOURCE.version)).string(res.version);
    w.uint32(tag(RESOURCE.resource)).bytes(res.any);
    w.uint32(tag(RESOURCE.name)).string(res.name);
    w.ldelim();
  }
  w.uint32(tag(DELTA.typeUrl)).string(r.typeUrl);
  w.uint32(tag(DELTA.nonce)).string(r.nonce);
  for (const name of r.removedResources) w.uint32(tag(DELTA.removedResources)).string(name);
  return toBuffer(w.finish());
}

// grpc-js wants a Buffer; protobufjs returns one on Node, but do not rely on it.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
