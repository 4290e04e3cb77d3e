// Decodes what a proxy group is being sent, for /debug/config_dump (the admin server redacts its secrets).
import { TYPE_SHORT_NAME, decodeToObject, isXdsTypeUrl, type ResourceSet } from '@tidegate/envoy-api';

export function dumpResourceSet(set: ResourceSet): Record<string, Array<{ name: string; version: string; resource: unknown }>> {
  const out: Record<string, Array<{ name: string; version: string; resource: unknown }>> = {};
  for (const [typeUrl, resources] of set) {
    const key = isXdsTypeUrl(typeUrl) ? TYPE_SHORT_NAME[typeUrl] : typeUrl;
    out[key] = [...resources.values()].map((r) => ({ name: r.name, version: r.version, resource: decodeToObject(typeUrl, r.value) }));
  }
  return out;
}
