// Which Secrets and ConfigMaps the configuration refers to, found without knowing any kind's schema.
import type { KubeObject } from '@tidegate/common';

/** How other objects name objects of one core kind (see `WatchedKind.referencedOnly`). */
export interface ReferencePattern {
  /**
   * Keys whose value (an object, or a list of objects) names this kind when the
   * reference has no `kind`. Any key ending in `Ref`/`Refs` counts when the
   * reference's `kind` is this kind.
   */
  implicitRefKey: RegExp;
  /** Keys whose string value is a name in the referring object's namespace. */
  nameKey?: RegExp;
  /** Annotations whose value is `name` or `namespace/name`. */
  annotationKey?: RegExp;
}

/** Keys holding references of any kind (`backendRefs`, `caCertificateRefs`, `configMapRef`, ...). */
const ANY_REF_KEY = /Refs?$/;
const MAX_DEPTH = 12;

/**
 * `namespace/name` of every object of each `kinds` entry that some object in
 * `objects` may reference (a reference's own `namespace` wins over the referring
 * object's). Over-matching only publishes an object nothing uses (translators
 * decide what is used, ReferenceGrants what is allowed); an object that nothing
 * names is never found.
 */
export function findReferences(objects: Iterable<KubeObject>, kinds: ReadonlyArray<{ kind: string; pattern: ReferencePattern }>): Map<string, Set<string>> {
  const found = new Map(kinds.map(({ kind }) => [kind, new Set<string>()]));
  const walker = new Walker(kinds, found);
  for (const object of objects) {
    if (found.has(object.kind)) continue; // Secrets and ConfigMaps reference nothing
    const namespace = object.metadata.namespace ?? '';
    for (const [key, raw] of Object.entries(object.metadata.annotations ?? {})) {
      const value = raw?.trim();
      if (!value) continue;
      for (const { kind, pattern } of kinds) {
        if (!pattern.annotationKey?.test(key)) continue;
        found.get(kind)!.add(value.includes('/') ? value : `${namespace}/${value}`);
      }
    }
    for (const [key, value] of Object.entries(object)) {
      if (key !== 'metadata' && key !== 'apiVersion' && key !== 'kind') walker.walk(value, namespace, 0);
    }
  }
  return found;
}

class Walker {
  constructor(
    private readonly kinds: ReadonlyArray<{ kind: string; pattern: ReferencePattern }>,
    private readonly found: Map<string, Set<string>>,
  ) {}

  walk(value: unknown, namespace: string, depth: number): void {
    if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const v of value) this.walk(v, namespace, depth + 1);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (ANY_REF_KEY.test(key)) for (const ref of Array.isArray(v) ? v : [v]) this.addRef(key, ref, namespace);
      else if (typeof v === 'string' && v) {
        for (const { kind, pattern } of this.kinds) if (pattern.nameKey?.test(key)) this.found.get(kind)!.add(`${namespace}/${v}`);
      }
      this.walk(v, namespace, depth + 1);
    }
  }

  private addRef(key: string, ref: unknown, namespace: string): void {
    if (typeof ref !== 'object' || ref === null) return;
    const r = ref as { kind?: unknown; group?: unknown; name?: unknown; namespace?: unknown };
    if (typeof r.name !== 'string' || !r.name) return;
    if (r.group !== undefined && r.group !== '' && r.group !== 'core') return;
    for (const { kind, pattern } of this.kinds) {
      if (r.kind === undefined ? !pattern.implicitRefKey.test(key) : r.kind !== kind) continue;
      this.found.get(kind)!.add(`${typeof r.namespace === 'string' && r.namespace ? r.namespace : namespace}/${r.name}`);
    }
  }
}

/**
 * Secrets: `*CertificateRef(s)` / `*SecretRef(s)` (Gateway listeners, BackendPolicy,
 * ClientTrafficPolicy, SecurityPolicy JWKS and API keys, Gateway client validation), `*SecretName` strings (Ingress
 * `tls[].secretName`, McpBridge `authSecretName`) and annotations ending in
 * `-secret` (ingress-nginx and Higress `auth-secret`, `auth-tls-secret`, ...).
 */
export const SECRET_REFERENCES: ReferencePattern = {
  implicitRefKey: /(certificateRefs?|CertificateRefs?|secretRefs?|SecretRefs?)$/,
  nameKey: /(secretName|SecretName)$/,
  annotationKey: /[-/]secret$/,
};

/**
 * ConfigMaps: `*ConfigMapRef(s)` (HTTPRouteFilter `grpcJsonTranscoder.descriptorSet`, SecurityPolicy JWKS),
 * references of kind ConfigMap (BackendTLSPolicy and Gateway client validation
 * `caCertificateRefs`), and ingress-nginx's `proxy-set-headers` / `custom-headers`
 * annotations (also read with Higress' prefix).
 */
export const CONFIG_MAP_REFERENCES: ReferencePattern = {
  implicitRefKey: /(configMapRefs?|ConfigMapRefs?)$/,
  annotationKey: /\/(proxy-set-headers|custom-headers)$/,
};
