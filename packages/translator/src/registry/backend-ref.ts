// The backendRef form that names a registry service, and the resolver route translators call for it.
import type { BackendResolution } from '../resources';
import type { RegistryCatalog } from './registry-catalog';

/**
 * A route's backendRef names a registry service with Istio's `Hostname` kind, which
 * Higress (built on Istio) also accepts for its registry hosts:
 * `{group: networking.istio.io, kind: Hostname, name: orders.DEFAULT-GROUP.public.nacos, port?}`.
 */
export const REGISTRY_REF_GROUP = 'networking.istio.io';
export const REGISTRY_REF_KIND = 'Hostname';

/** What a route translator knows about one backendRef. */
export interface ExternalBackendRef {
  group?: string | undefined;
  kind?: string | undefined;
  name: string;
  namespace?: string | undefined;
  port?: number | undefined;
}

/**
 * A backend kind a route translator does not know itself: it claims refs of its
 * `group`/`kind` and resolves them. Registry hosts are global (as in Higress), so the
 * route's namespace does not matter and no ReferenceGrant is needed.
 */
export interface BackendRefResolver {
  group: string;
  kind: string;
  resolve(ref: ExternalBackendRef, fromNamespace: string): BackendResolution;
}

/** The resolver for registry hosts; a ref's `namespace` is rejected, since hosts are not namespaced. */
export function registryBackendRefResolver(catalog: RegistryCatalog): BackendRefResolver {
  return {
    group: REGISTRY_REF_GROUP,
    kind: REGISTRY_REF_KIND,
    resolve(ref) {
      if (ref.namespace !== undefined) {
        return { ok: false, problem: { reason: 'BackendNotFound', message: `registry host ${ref.name} is not namespaced; remove namespace` } };
      }
      return catalog.resolve(ref.name, ref.port);
    },
  };
}

/** A host with an optional port, as `higress.io/destination` lines write it (`host[:port]`). */
export function parseHostPort(text: string): { host: string; port?: number } | undefined {
  const m = /^(.+?)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m || !m[1]) return undefined;
  if (m[2] === undefined) return { host: m[1] };
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}
