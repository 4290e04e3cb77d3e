// Encoding resources once: plain objects in, checked protobuf bytes out.
import * as protobuf from 'protobufjs';
import { createHash } from 'node:crypto';
import { type Issue, type Result, fail, ok } from '@tidegate/common';
import { messageType } from './proto-root';
import { messageNameOf } from './type-urls';
import { checkMessage } from './strict-check';

/** A resource ready to send: its Any-wrapped bytes are built once and shared by every stream. */
export interface EncodedResource {
  readonly name: string;
  readonly typeUrl: string;
  /** Content hash of the encoded bytes: the per-resource version. */
  readonly version: string;
  /** Encoded `google.protobuf.Any { type_url, value }`. */
  readonly any: Uint8Array;
  /** The message bytes alone (the Any's value). */
  readonly value: Uint8Array;
}

let anyType: protobuf.Type | undefined;
const anyMessage = (): protobuf.Type => (anyType ??= messageType('google.protobuf.Any'));

/**
 * Checks and encodes one resource given as a plain object in Envoy's field names
 * (`@type` inside Any). Unknown fields, wrong types and values that do not survive
 * a decode round trip are reported, never silently dropped.
 */
export function encodeResource(typeUrl: string, name: string, object: unknown): Result<EncodedResource> {
  const type = messageType(messageNameOf(typeUrl));
  const issues: Issue[] = [];
  checkMessage(type, object, '', issues);
  if (issues.length > 0) return fail(...issues.map((i) => ({ ...i, path: `${name}:${i.path}` })));
  let value: Uint8Array;
  try {
    const message = type.fromObject(object as Record<string, unknown>);
    value = type.encode(message).finish();
    type.decode(value);
  } catch (err) {
    return fail({ code: 'encode-failed', path: name, message: (err as Error).message });
  }
  const any = anyMessage().encode({ type_url: typeUrl, value }).finish();
  const version = createHash('sha256').update(value).digest('base64url').slice(0, 16);
  return ok({ name, typeUrl, version, any, value });
}

/** Decodes a message back to a plain object (Any as `@type`), for debug output and tests. */
export function decodeToObject(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = messageType(messageNameOf(typeUrl));
  return type.toObject(type.decode(bytes), {
    longs: Number,
    enums: String,
    bytes: String,
    defaults: false,
    json: true,
  });
}

/** Everything one proxy group is sent: per type URL, resources by name. */
export type ResourceSet = ReadonlyMap<string, ReadonlyMap<string, EncodedResource>>;
