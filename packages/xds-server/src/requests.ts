// Decodes DiscoveryRequest / DeltaDiscoveryRequest bytes into plain, fully defaulted objects.
import type * as protobuf from 'protobufjs';
import { envoyRoot } from '@tidegate/envoy-api';
import type { XdsNode } from './types';

/** `google.rpc.Status` as carried in `error_detail`: its presence is what makes a NACK. */
export interface ErrorDetail {
  code: number;
  message: string;
}

export interface SotwRequest {
  version_info: string;
  node?: XdsNode;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail?: ErrorDetail;
}

export interface DeltaRequest {
  node?: XdsNode;
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail?: ErrorDetail;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

let sotwType: protobuf.Type | undefined;
let deltaType: protobuf.Type | undefined;

/** Decodes one SotW request. Throws on malformed bytes (grpc-js then fails the call). */
export function decodeSotwRequest(bytes: Buffer): SotwRequest {
  sotwType ??= envoyRoot().lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  const o = sotwType.toObject(sotwType.decode(bytes), TO_OBJECT) as Partial<SotwRequest>;
  return {
    version_info: o.version_info ?? '',
    ...(o.node ? { node: normalizeNode(o.node) } : {}),
    resource_names: o.resource_names ?? [],
    type_url: o.type_url ?? '',
    response_nonce: o.response_nonce ?? '',
    ...(o.error_detail ? { error_detail: normalizeStatus(o.error_detail) } : {}),
  };
}

/** Decodes one Delta request. Throws on malformed bytes (grpc-js then fails the call). */
export function decodeDeltaRequest(bytes: Buffer): DeltaRequest {
  deltaType ??= envoyRoot().lookupType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  const o = deltaType.toObject(deltaType.decode(bytes), TO_OBJECT) as Partial<DeltaRequest>;
  return {
    ...(o.node ? { node: normalizeNode(o.node) } : {}),
    type_url: o.type_url ?? '',
    resource_names_subscribe: o.resource_names_subscribe ?? [],
    resource_names_unsubscribe: o.resource_names_unsubscribe ?? [],
    initial_resource_versions: o.initial_resource_versions ?? {},
    response_nonce: o.response_nonce ?? '',
    ...(o.error_detail ? { error_detail: normalizeStatus(o.error_detail) } : {}),
  };
}

function normalizeNode(node: Partial<XdsNode>): XdsNode {
  return { ...node, id: node.id ?? '', cluster: node.cluster ?? '' };
}

function normalizeStatus(s: Partial<ErrorDetail>): ErrorDetail {
  return { code: s.code ?? 0, message: s.message ?? '' };
}
