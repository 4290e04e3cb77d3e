// Turns an object as the API server serves it into the object the provider publishes.
import type { KubeObject, ObjectMeta } from '@tidegate/common';

/** kubectl's copy of the whole applied object: large, and nothing routes on it. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Keeps what translators read and drops what changes without the configuration
 * changing: `status` (the status writer keeps it separately), `resourceVersion`
 * and `managedFields`. So a status write, or a no-op update, republishes nothing.
 * List items carry no `apiVersion`/`kind`; they are filled in.
 */
export function normalizeObject(raw: Record<string, unknown>, apiVersion: string, kind: string): KubeObject {
  const meta = (raw.metadata ?? {}) as Record<string, unknown>;
  const metadata: ObjectMeta = { name: String(meta.name ?? '') };
  if (typeof meta.namespace === 'string' && meta.namespace) metadata.namespace = meta.namespace;
  if (typeof meta.uid === 'string') metadata.uid = meta.uid;
  if (typeof meta.generation === 'number') metadata.generation = meta.generation;
  if (typeof meta.creationTimestamp === 'string') metadata.creationTimestamp = meta.creationTimestamp;
  if (isStringMap(meta.labels) && Object.keys(meta.labels).length) metadata.labels = meta.labels;
  if (isStringMap(meta.annotations)) {
    const { [LAST_APPLIED]: _dropped, ...annotations } = meta.annotations;
    if (Object.keys(annotations).length) metadata.annotations = annotations;
  }
  const object: KubeObject = { apiVersion, kind, metadata };
  for (const [key, value] of Object.entries(raw)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'status') object[key] = value;
  }
  return object;
}

/** `namespace/name` (`/name` for cluster-scoped objects) of a raw or normalized object. */
export function objectName(raw: { metadata?: unknown }): string {
  const meta = (raw.metadata ?? {}) as { namespace?: string; name?: string };
  return `${meta.namespace ?? ''}/${meta.name ?? ''}`;
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
