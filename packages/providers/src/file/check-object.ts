// Checks that one YAML document is a Kubernetes-style object and fills in its namespace.
import { fail, ok, type Issue, type KubeObject, type Result } from '@tidegate/common';
import { isClusterScoped } from './cluster-scoped';

export type ObjectIdentity = { kind?: string; namespace?: string; name?: string };

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Validates the fields every object needs (`apiVersion`, `kind`, `metadata.name`)
 * and returns a copy whose namespace is `default` when absent, or removed for a
 * cluster-scoped kind (as the Kubernetes API server does). `spec` is the owning
 * translator's business.
 */
export function checkObject(value: unknown): Result<KubeObject> {
  if (!isMapping(value)) {
    return fail({
      code: 'not-an-object',
      path: '',
      message: `document is ${describe(value)}, expected a mapping with apiVersion, kind and metadata`,
    });
  }
  const issues: Issue[] = [];
  requireString(value, 'apiVersion', 'apiVersion', issues);
  requireString(value, 'kind', 'kind', issues);
  const metadata = value.metadata;
  if (metadata === undefined || metadata === null) {
    issues.push({ code: 'missing-field', path: 'metadata.name', message: 'missing metadata.name (no metadata)' });
  } else if (!isMapping(metadata)) {
    issues.push({ code: 'invalid-field', path: 'metadata', message: `metadata must be a mapping, got ${describe(metadata)}` });
  } else {
    requireString(metadata, 'name', 'metadata.name', issues);
    const ns = metadata.namespace;
    if (ns !== undefined && ns !== null && !isNonEmptyString(ns)) {
      issues.push({ code: 'invalid-field', path: 'metadata.namespace', message: 'metadata.namespace must be a non-empty string' });
    }
  }
  if (issues.length > 0) return fail(...issues);

  const meta = value.metadata as Record<string, unknown>;
  const { namespace: _dropped, ...rest } = meta;
  const namespace = isClusterScoped(value.kind as string) ? undefined : ((meta.namespace as string | null | undefined) ?? 'default');
  return ok({
    ...value,
    metadata: { ...rest, ...(namespace === undefined ? {} : { namespace }) },
  } as KubeObject);
}

/** Whatever identity a (possibly broken) document reveals, for error reports. */
export function identityOf(value: unknown): ObjectIdentity | undefined {
  if (!isMapping(value)) return undefined;
  const id: ObjectIdentity = {};
  if (isNonEmptyString(value.kind)) id.kind = value.kind;
  const meta = isMapping(value.metadata) ? value.metadata : {};
  if (isNonEmptyString(meta.name)) id.name = meta.name;
  if (isNonEmptyString(meta.namespace)) id.namespace = meta.namespace;
  else if (id.kind !== undefined && id.name !== undefined && !isClusterScoped(id.kind)) id.namespace = 'default';
  if (id.kind !== undefined && isClusterScoped(id.kind)) delete id.namespace;
  return Object.keys(id).length > 0 ? id : undefined;
}

function requireString(obj: Record<string, unknown>, key: string, path: string, issues: Issue[]): void {
  const v = obj[key];
  if (v === undefined || v === null) issues.push({ code: 'missing-field', path, message: `missing ${path}` });
  else if (!isNonEmptyString(v)) issues.push({ code: 'invalid-field', path, message: `${path} must be a non-empty string, got ${describe(v)}` });
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  if (v === null) return 'null';
  if (typeof v === 'string') return v === '' ? 'an empty string' : 'a string';
  if (isMapping(v)) return 'a mapping';
  return `a ${typeof v}`;
}
