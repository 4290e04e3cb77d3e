// Catches misspelled or mistyped fields that protobufjs' fromObject would silently drop.
import * as protobuf from 'protobufjs';
import type { Issue } from '@tidegate/common';
import { typeForUrl } from './proto-root';

type ScalarKind = 'string' | 'bool' | 'bytes' | 'number' | 'long' | 'other';

interface FieldInfo {
  message?: MessageInfo;
  enumValues?: { name: string; names: Set<string>; numbers: Set<number> };
  scalar: ScalarKind;
  repeated: boolean;
  map: boolean;
  oneof?: string;
}

interface MessageInfo {
  name: string;
  isAny: boolean;
  fields: Map<string, FieldInfo>;
}

const NUMBER = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

// protobufjs computes names and resolutions on every access; the check runs on every
// field of every resource, so each type is described once and reused.
const described = new WeakMap<protobuf.Type, MessageInfo>();

function describe(type: protobuf.Type): MessageInfo {
  const cached = described.get(type);
  if (cached) return cached;
  const info: MessageInfo = { name: type.name, isAny: type.fullName === '.google.protobuf.Any', fields: new Map() };
  described.set(type, info); // before recursing: types refer to themselves
  for (const field of type.fieldsArray) {
    field.resolve();
    const rt = field.resolvedType;
    const f: FieldInfo = {
      scalar: field.type === 'string' ? 'string' : field.type === 'bool' ? 'bool' : field.type === 'bytes' ? 'bytes' : NUMBER.has(field.type) ? 'number' : LONG.has(field.type) ? 'long' : 'other',
      repeated: field.repeated,
      map: field.map,
      ...(field.partOf ? { oneof: field.partOf.name } : {}),
    };
    if (rt instanceof protobuf.Type) f.message = describe(rt);
    if (rt instanceof protobuf.Enum) f.enumValues = { name: rt.name, names: new Set(Object.keys(rt.values)), numbers: new Set(Object.values(rt.values)) };
    info.fields.set(field.name, f);
  }
  return info;
}

/** Checks `value` against `type` field by field, following `@type` inside Any. */
export function checkMessage(type: protobuf.Type, value: unknown, path: string, issues: Issue[]): void {
  checkInfo(describe(type), value, path, issues);
}

function checkInfo(info: MessageInfo, value: unknown, path: string, issues: Issue[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ code: 'type-mismatch', path, message: `expected ${info.name} object` });
    return;
  }
  if (info.isAny) return checkAny(value as Record<string, unknown>, path, issues);
  let oneofsSeen: Map<string, string> | undefined;
  for (const key in value) {
    const fieldValue = (value as Record<string, unknown>)[key];
    const field = info.fields.get(key);
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) {
      issues.push({ code: 'unknown-field', path: fieldPath, message: `${info.name} has no field "${key}"` });
      continue;
    }
    if (fieldValue === undefined) continue;
    if (field.oneof) {
      oneofsSeen ??= new Map();
      const other = oneofsSeen.get(field.oneof);
      if (other) issues.push({ code: 'oneof-conflict', path: fieldPath, message: `"${key}" and "${other}" are one-of` });
      oneofsSeen.set(field.oneof, key);
    }
    if (field.map) {
      if (typeof fieldValue !== 'object' || fieldValue === null) {
        issues.push({ code: 'type-mismatch', path: fieldPath, message: 'expected a map' });
        continue;
      }
      for (const k in fieldValue) checkField(field, (fieldValue as Record<string, unknown>)[k], `${fieldPath}.${k}`, issues);
    } else if (field.repeated) {
      if (!Array.isArray(fieldValue)) {
        issues.push({ code: 'type-mismatch', path: fieldPath, message: 'expected a list' });
        continue;
      }
      for (let i = 0; i < fieldValue.length; i++) checkField(field, fieldValue[i], `${fieldPath}[${i}]`, issues);
    } else {
      checkField(field, fieldValue, fieldPath, issues);
    }
  }
}

function checkField(field: FieldInfo, value: unknown, path: string, issues: Issue[]): void {
  if (field.message) return checkInfo(field.message, value, path, issues);
  if (field.enumValues) {
    const known = typeof value === 'string' ? field.enumValues.names.has(value) : field.enumValues.numbers.has(value as number);
    if (!known) issues.push({ code: 'bad-enum', path, message: `"${String(value)}" is not a ${field.enumValues.name} value` });
    return;
  }
  const t = typeof value;
  const ok =
    field.scalar === 'string' ? t === 'string'
    : field.scalar === 'bool' ? t === 'boolean'
    : field.scalar === 'bytes' ? t === 'string' || value instanceof Uint8Array
    : field.scalar === 'number' ? t === 'number'
    : field.scalar === 'long' ? t === 'number' || t === 'string'
    : true;
  if (!ok) issues.push({ code: 'type-mismatch', path, message: `expected ${field.scalar}, got ${t}` });
}

function checkAny(value: Record<string, unknown>, path: string, issues: Issue[]): void {
  const typeUrl = value['@type'];
  if (typeof typeUrl !== 'string') {
    issues.push({ code: 'missing-type', path, message: 'Any needs "@type"' });
    return;
  }
  const inner = typeForUrl(typeUrl);
  if (!inner) {
    issues.push({ code: 'unknown-type', path: `${path}.@type`, message: `unknown message type ${typeUrl}` });
    return;
  }
  const { ['@type']: _type, ...rest } = value;
  checkMessage(inner, rest, path, issues);
}
