// Resolving a route's backendRef: kind check, ReferenceGrant for other namespaces, the Service port, then BackendTLSPolicy and protocol.
import type { Backend, HashPolicy, Secret } from '@tidegate/ir';
import type { Problem } from '../resources';
import type { BackendObjectRef } from './common-schema';
import type { Context } from './context';
import { GATEWAY_GROUP } from './constants';
import { referenceAllowed } from './reference-grant';

/**
 * A usable backend, or why not. `unusable` means the reference itself resolved
 * but a policy on the Service cannot be honoured (e.g. a BackendTLSPolicy whose
 * CA does not load): traffic for it must fail, and the problem is reported on
 * the policy, not on the route.
 */
export type RouteBackendResolution =
  | { ok: true; backend: Backend; secrets: Secret[]; hashPolicy: HashPolicy[] }
  | { ok: false; problem: Problem; unusable?: boolean };

export interface ResolveOptions {
  /** The referring object's API group (Gateway API by default). */
  fromGroup?: string;
  /**
   * GRPCRoute: the backend speaks HTTP/2 unless the Service's appProtocol or a
   * BackendPolicy says otherwise; an explicit HTTP/1.1 is UnsupportedProtocol.
   */
  grpc?: boolean;
  /** TLS passthrough: the stream is already TLS, so no BackendTLSPolicy re-encryption. */
  plainTcp?: boolean;
}

/** Resolves a backendRef written in a `fromKind` object in `fromNamespace`. */
export function resolveBackendRef(
  ctx: Context,
  fromKind: string,
  fromNamespace: string,
  ref: BackendObjectRef,
  options: ResolveOptions = {},
): RouteBackendResolution {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const external = ctx.options.backendRefResolvers?.find((r) => r.group === group && r.kind === kind);
  if (external) {
    const r = external.resolve(ref, fromNamespace);
    return r.ok && options.grpc ? grpcBackend(r) : r;
  }
  if (group !== '' || kind !== 'Service') {
    return fail('InvalidKind', `backend kind ${group ? `${group}/` : ''}${kind} is not supported; use a core Service`);
  }
  const namespace = ref.namespace ?? fromNamespace;
  if (ref.port === undefined) return fail('BackendNotFound', `port is required for Service ${namespace}/${ref.name}`);
  const from = { group: options.fromGroup ?? GATEWAY_GROUP, kind: fromKind, namespace: fromNamespace };
  if (!referenceAllowed(ctx.index, from, { group: '', kind: 'Service', namespace, name: ref.name })) {
    return fail('RefNotPermitted', `Service ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`);
  }
  const base = ctx.services.resolve(namespace, ref.name, ref.port);
  if (!base.ok) return base;
  const withTls = ctx.backendTls.apply(base, namespace, ref.name, ref.port);
  if (options.plainTcp) {
    // Same Service port without the policy's TLS: a differently named backend when a policy applies.
    return withTls.ok && withTls.backend === base.backend ? base : { ...base, backend: renamed(base.backend, 'passthrough') };
  }
  if (!withTls.ok || !options.grpc) return withTls;
  return grpcBackend(withTls);
}

/** gRPC needs HTTP/2: inferred when nothing says otherwise (as a separately named backend, so HTTPRoutes keep theirs). */
function grpcBackend(r: Extract<RouteBackendResolution, { ok: true }>): RouteBackendResolution {
  const b = r.backend;
  if (b.protocol === 'http2' || b.protocol === 'grpc') return r;
  if (b.protocol === 'http1') {
    return fail('UnsupportedProtocol', `backend ${b.name} is configured for HTTP/1.1, which cannot carry gRPC`);
  }
  return { ...r, backend: inferredGrpc(b) };
}

const variants = new WeakMap<Backend, Map<string, Backend>>();

/** One shared variant per backend object and suffix, so repeated references stay one object. */
function variant(b: Backend, suffix: string, make: () => Backend): Backend {
  let byName = variants.get(b);
  if (!byName) variants.set(b, (byName = new Map()));
  let v = byName.get(suffix);
  if (!v) byName.set(suffix, (v = make()));
  return v;
}

const inferredGrpc = (b: Backend): Backend => variant(b, 'grpc', () => ({ ...b, name: `${b.name}/grpc`, protocol: 'grpc' }));
const renamed = (b: Backend, suffix: string): Backend => variant(b, suffix, () => ({ ...b, name: `${b.name}/${suffix}` }));

const fail = (reason: string, message: string): RouteBackendResolution => ({ ok: false, problem: { reason, message } });
