// Which Secrets the configuration refers to, found without knowing any kind's schema.
import type { KubeObject } from '@tidegate/common';

/** Keys whose value (an object, or a list of objects) names a Secret unless its `kind` says otherwise. */
const REF_KEY = /(certificateRefs?|CertificateRefs?|secretRefs?|SecretRefs?)$/;
/** Keys whose string value is a Secret name in the object's namespace (Ingress `tls[].secretName`, McpBridge `authSecretName`). */
const NAME_KEY = /(secretName|SecretName)$/;
/** Annotations naming a Secret as `name` or `namespace/name` (ingress-nginx and Higress style, e.g. `.../auth-secret`). */
const ANNOTATION_KEY = /[-/]secret$/;

const MAX_DEPTH = 12;

/**
 * `namespace/name` of every Secret some object may reference: references in
 * `*CertificateRef(s)` / `*SecretRef(s)` fields (with a `kind` of Secret or none,
 * and an optional `namespace`), `*SecretName` string fields, and annotations
 * ending in `-secret`. Over-matching only publishes a Secret nothing uses (the
 * translators decide what is used, and ReferenceGrants what is allowed);
 * Secrets that match nothing are never published.
 */
export function referencedSecrets(objects: Iterable<KubeObject>): Set<string> {
  const found = new Set<string>();
  for (const object of objects) {
    if (object.kind === 'Secret') continue;
    const namespace = object.metadata.namespace ?? '';
    for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) {
      if (!ANNOTATION_KEY.test(key) || !value) continue;
      const slash = value.indexOf('/');
      found.add(slash < 0 ? `${namespace}/${value}` : value);
    }
    for (const [key, value] of Object.entries(object)) {
      if (key !== 'metadata' && key !== 'apiVersion' && key !== 'kind') walk(value, namespace, found, 0);
    }
  }
  return found;
}

function walk(value: unknown, namespace: string, found: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) walk(v, namespace, found, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (REF_KEY.test(key)) for (const ref of Array.isArray(v) ? v : [v]) addRef(ref, namespace, found);
    else if (NAME_KEY.test(key) && typeof v === 'string' && v) found.add(`${namespace}/${v}`);
    walk(v, namespace, found, depth + 1);
  }
}

function addRef(ref: unknown, namespace: string, found: Set<string>): void {
  if (typeof ref !== 'object' || ref === null) return;
  const r = ref as { kind?: unknown; group?: unknown; name?: unknown; namespace?: unknown };
  if (typeof r.name !== 'string' || !r.name) return;
  if (r.kind !== undefined && r.kind !== 'Secret') return;
  if (r.group !== undefined && r.group !== '' && r.group !== 'core') return;
  found.add(`${typeof r.namespace === 'string' && r.namespace ? r.namespace : namespace}/${r.name}`);
}
