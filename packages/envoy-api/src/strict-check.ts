// Catches misspelled or mistyped fields that protobufjs' fromObject would silently drop.
import * as protobuf from 'protobufjs';
import type { Issue } from '@tidegate/common';
import { envoyRoot } from './proto-root';
import { messageNameOf } from './type-urls';

/** Checks `value` against `type` field by field, following `@type` inside Any. */
export function checkMessage(type: protobuf.Type, value: unknown, path: string, issues: Issue[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ code: 'type-mismatch', path, message: `expected ${type.fullName.slice(1)} object` });
    return;
  }
  const full = type.fullName;
  if (full === '.google.protobuf.Any') return checkAny(value as Record<string, unknown>, path, issues);
  const oneofsSeen = new Map<string, string>();
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = type.fields[key];
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) {
      issues.push({ code: 'unknown-field', path: fieldPath, message: `${type.name} has no field "${key}"` });
      continue;
    }
    if (fieldValue === undefined) continue;
    if (field.partOf) {
      const other = oneofsSeen.get(field.partOf.name);
      if (other) {
        issues.push({ code: 'oneof-conflict', path: fieldPath, message: `"${key}" and "${other}" are one-of` });
      }
      oneofsSeen.set(field.partOf.name, key);
    }
    field.resolve();
    if (field.map) {
      if (typeof fieldValue !== 'object' || fieldValue === null) {
        issues.push({ code: 'type-mismatch', path: fieldPath, message: 'expected a map' });
        continue;
      }
      for (const [k, v] of Object.entries(fieldValue)) checkField(field, v, `${fieldPath}.${k}`, issues);
    } else if (field.repeated) {
      if (!Array.isArray(fieldValue)) {
        issues.push({ code: 'type-mismatch', path: fieldPath, message: 'expected a list' });
        continue;
      }
      fieldValue.forEach((v, i) => checkField(field, v, `${fieldPath}[${i}]`, issues));
    } else {
      checkField(field, fieldValue, fieldPath, issues);
    }
  }
}

function checkField(field: protobuf.Field, value: unknown, path: string, issues: Issue[]): void {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return checkMessage(rt, value, path, issues);
  if (rt instanceof protobuf.Enum) {
    const known = typeof value === 'string' ? value in rt.values : Object.values(rt.values).includes(value as number);
    if (!known) issues.push({ code: 'bad-enum', path, message: `"${String(value)}" is not a ${rt.name} value` });
    return;
  }
  const scalar = field.type;
  const isNumber = ['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32'].includes(scalar);
  const isLong = ['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(scalar);
  const ok =
    scalar === 'string'
      ? typeof value === 'string'
      : scalar === 'bool'
        ? typeof value === 'boolean'
        : scalar === 'bytes'
          ? typeof value === 'string' || value instanceof Uint8Array
          : isNumber
            ? typeof value === 'number'
            : isLong
              ? typeof value === 'number' || typeof value === 'string'
              : true;
  if (!ok) issues.push({ code: 'type-mismatch', path, message: `expected ${scalar}, got ${typeof value}` });
}

function checkAny(value: Record<string, unknown>, path: string, issues: Issue[]): void {
  const typeUrl = value['@type'];
  if (typeof typeUrl !== 'string') {
    issues.push({ code: 'missing-type', path, message: 'Any needs "@type"' });
    return;
  }
  let inner: protobuf.Type;
  try {
    inner = envoyRoot().lookupType(messageNameOf(typeUrl));
  } catch {
    issues.push({ code: 'unknown-type', path: `${path}.@type`, message: `unknown message type ${typeUrl}` });
    return;
  }
  const { ['@type']: _type, ...rest } = value;
  checkMessage(inner, rest, path, issues);
}
