// Decodes what a proxy group is being sent, with private keys redacted, for /debug/config_dump.
import { TYPE_SHORT_NAME, decodeToObject, isXdsTypeUrl, type ResourceSet } from '@tidegate/envoy-api';

const REDACTED = '[redacted]';

export function dumpResourceSet(set: ResourceSet): Record<string, Array<{ name: string; version: string; resource: unknown }>> {
  const out: Record<string, Array<{ name: string; version: string; resource: unknown }>> = {};
  for (const [typeUrl, resources] of set) {
    const key = isXdsTypeUrl(typeUrl) ? TYPE_SHORT_NAME[typeUrl] : typeUrl;
    out[key] = [...resources.values()].map((r) => ({
      name: r.name,
      version: r.version,
      resource: redact(decodeToObject(typeUrl, r.value)),
    }));
  }
  return out;
}

/** Replaces every `private_key` (and similar) value, wherever it nests. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = /private_key|password|secret_value/i.test(k) ? REDACTED : redact(v);
  }
  return out;
}
