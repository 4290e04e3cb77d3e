// Plain message objects → proto3 JSON, the form Envoy's own config parser reads (durations as
// "1.5s", wrappers as bare values, Struct as plain JSON), guided by the proto schema.
import * as protobuf from 'protobufjs';
import { envoyRoot, messageNameOf } from '@tidegate/envoy-api';

type Obj = Record<string, unknown>;

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map((t) => `google.protobuf.${t}Value`),
);

/** Converts `value`, a `type` message in plain-object form, to proto3 JSON. */
export function toProtoJson(type: protobuf.Type, value: unknown): unknown {
  const name = type.fullName.slice(1);
  const obj = value as Obj;
  if (name === 'google.protobuf.Duration') {
    const seconds = Number(obj.seconds ?? 0) + Number(obj.nanos ?? 0) / 1e9;
    return `${seconds}s`;
  }
  if (WRAPPERS.has(name)) return obj.value;
  if (name === 'google.protobuf.Struct') return structToJson(obj);
  if (name === 'google.protobuf.Value') return valueToJson(obj);
  if (name === 'google.protobuf.Any') {
    const { ['@type']: url, ...rest } = obj;
    const inner = envoyRoot().lookupType(messageNameOf(String(url)));
    return { '@type': url, ...(toProtoJson(inner, rest) as Obj) };
  }
  const out: Obj = {};
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    if (v === undefined) continue;
    if (!field) throw new Error(`${name} has no field "${key}"`);
    field.resolve();
    const rt = field.resolvedType;
    if (!(rt instanceof protobuf.Type)) out[key] = v;
    else if (field.map) out[key] = Object.fromEntries(Object.entries(v as Obj).map(([k, e]) => [k, toProtoJson(rt, e)]));
    else if (field.repeated) out[key] = (v as unknown[]).map((e) => toProtoJson(rt, e));
    else out[key] = toProtoJson(rt, v);
  }
  return out;
}

function structToJson(s: Obj): Obj {
  const fields = (s.fields ?? {}) as Record<string, Obj>;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToJson(v)]));
}

function valueToJson(v: Obj): unknown {
  if ('string_value' in v) return v.string_value;
  if ('number_value' in v) return v.number_value;
  if ('bool_value' in v) return v.bool_value;
  if ('struct_value' in v) return structToJson(v.struct_value as Obj);
  if ('list_value' in v) return ((v.list_value as Obj).values as Obj[] | undefined ?? []).map(valueToJson);
  return null;
}
