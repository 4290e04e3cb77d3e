// Encoding that reuses the work done for objects seen before: large route configurations
// change a few virtual hosts at a time, and checking + encoding all of them again on
// every change was most of the control plane's time at 10,000 routes.
import * as protobuf from 'protobufjs';
import { createHash } from 'node:crypto';
import { type Issue, type Result, fail, ok } from '@tidegate/common';
import { type EncodedResource, encodeResource } from './encode';
import { messageType } from './proto-root';
import { messageNameOf } from './type-urls';
import { checkMessage } from './strict-check';

type Encoded = { ok: true; bytes: Uint8Array } | { ok: false; issues: Issue[] };

/**
 * Checked bytes per object, keyed by identity. Callers hand the same object only while it
 * is unchanged (translators treat their output as immutable), so a cached entry is never stale.
 */
const messageCache = new WeakMap<object, Map<protobuf.Type, Encoded>>();
const resourceCache = new WeakMap<object, Map<string, Map<string, Result<EncodedResource>>>>();

/**
 * `encodeResource`, remembered per object: handing in the same object again (same type URL
 * and name) returns the earlier result without checking or encoding anything.
 */
export function encodeResourceCached(typeUrl: string, name: string, object: object): Result<EncodedResource> {
  return rememberedResult(typeUrl, name, object, () => encodeResource(typeUrl, name, object));
}

function rememberedResult(typeUrl: string, name: string, object: object, encode: () => Result<EncodedResource>): Result<EncodedResource> {
  // Nested maps, not a joined key: thousands of lookups per snapshot, no string built for each.
  let byType = resourceCache.get(object);
  if (!byType) resourceCache.set(object, (byType = new Map()));
  let byName = byType.get(typeUrl);
  if (!byName) byType.set(typeUrl, (byName = new Map()));
  let result = byName.get(name);
  if (!result) byName.set(name, (result = encode()));
  return result;
}

/**
 * Encodes a resource whose repeated message field `field` holds many elements (a route
 * configuration's `virtual_hosts`). Each element is checked and encoded once per object
 * identity; the message is assembled from those bytes in field-number order, so the result
 * is byte-for-byte what encoding the whole object gives, and carries the same issues.
 */
export function encodeResourceByParts(typeUrl: string, name: string, object: Record<string, unknown>, field: string): Result<EncodedResource> {
  // The same object again (a scoped host's unchanged route configuration) is not even assembled.
  return rememberedResult(typeUrl, name, object, () => encodeByParts(typeUrl, name, object, field));
}

function encodeByParts(typeUrl: string, name: string, object: Record<string, unknown>, field: string): Result<EncodedResource> {
  const type = messageType(messageNameOf(typeUrl));
  const repeated = type.fields[field];
  const elementType = repeated?.resolve().resolvedType;
  const elements = object[field];
  if (!repeated?.repeated || !(elementType instanceof protobuf.Type) || !Array.isArray(elements)) return encodeResource(typeUrl, name, object);

  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === field) continue;
    const f = type.fields[key];
    (f && f.id < repeated.id ? before : after)[key] = value;
  }
  const issues: Issue[] = [];
  checkMessage(type, { ...before, ...after }, '', issues);
  const parts: Uint8Array[] = [];
  elements.forEach((element, i) => {
    const encoded = encodeMessageCached(elementType, element);
    if (encoded.ok) parts.push(encoded.bytes);
    else issues.push(...encoded.issues.map((issue) => ({ ...issue, path: issue.path ? `${field}[${i}].${issue.path}` : `${field}[${i}]` })));
  });
  if (issues.length > 0) return fail(...issues.map((i) => ({ ...i, path: `${name}:${i.path}` })));

  let value: Uint8Array;
  try {
    const head = type.encode(type.fromObject(before)).finish();
    const tail = type.encode(type.fromObject(after)).finish();
    value = assemble(head, repeated.id, parts, tail);
    type.decode(head);
    type.decode(tail);
  } catch (err) {
    return fail({ code: 'encode-failed', path: name, message: (err as Error).message });
  }
  return ok(wrap(typeUrl, name, value));
}

/** One message's checked bytes, cached by object identity. */
function encodeMessageCached(type: protobuf.Type, object: unknown): Encoded {
  if (typeof object !== 'object' || object === null) return encodeMessage(type, object);
  let byType = messageCache.get(object);
  const hit = byType?.get(type);
  if (hit) return hit;
  const result = encodeMessage(type, object);
  if (!byType) messageCache.set(object, (byType = new Map()));
  byType.set(type, result);
  return result;
}

function encodeMessage(type: protobuf.Type, object: unknown): Encoded {
  const issues: Issue[] = [];
  checkMessage(type, object, '', issues);
  if (issues.length > 0) return { ok: false, issues };
  try {
    const bytes = type.encode(type.fromObject(object as Record<string, unknown>)).finish();
    type.decode(bytes);
    return { ok: true, bytes };
  } catch (err) {
    return { ok: false, issues: [{ code: 'encode-failed', path: '', message: (err as Error).message }] };
  }
}

/** `head`, then each part as a length-delimited field `fieldId`, then `tail`. */
function assemble(head: Uint8Array, fieldId: number, parts: Uint8Array[], tail: Uint8Array): Uint8Array {
  const tag = protobuf.Writer.create().uint32((fieldId << 3) | 2).finish();
  const chunks: Uint8Array[] = [head];
  for (const part of parts) chunks.push(tag, protobuf.Writer.create().uint32(part.length).finish(), part);
  chunks.push(tail);
  return Buffer.concat(chunks);
}

let anyType: protobuf.Type | undefined;

function wrap(typeUrl: string, name: string, value: Uint8Array): EncodedResource {
  anyType ??= messageType('google.protobuf.Any');
  const any = anyType.encode({ type_url: typeUrl, value }).finish();
  const version = createHash('sha256').update(value).digest('base64url').slice(0, 16);
  return { name, typeUrl, version, any, value };
}
