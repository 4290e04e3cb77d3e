// Resolving a route's backendRef: kind check, ReferenceGrant for other namespaces, then the Service port.
import type { BackendResolution } from '../resources';
import type { BackendObjectRef } from './common-schema';
import type { Context } from './context';
import { GATEWAY_GROUP } from './constants';
import { referenceAllowed } from './reference-grant';

/** Resolves a backendRef written in a `fromKind` object (of `fromGroup`, Gateway API by default) in `fromNamespace`. */
export function resolveBackendRef(
  ctx: Context,
  fromKind: string,
  fromNamespace: string,
  ref: BackendObjectRef,
  fromGroup: string = GATEWAY_GROUP,
): BackendResolution {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  if (group !== '' || kind !== 'Service') {
    return fail('InvalidKind', `backend kind ${group ? `${group}/` : ''}${kind} is not supported; use a core Service`);
  }
  const namespace = ref.namespace ?? fromNamespace;
  if (ref.port === undefined) return fail('BackendNotFound', `port is required for Service ${namespace}/${ref.name}`);
  const from = { group: fromGroup, kind: fromKind, namespace: fromNamespace };
  if (!referenceAllowed(ctx.index, from, { group: '', kind: 'Service', namespace, name: ref.name })) {
    return fail('RefNotPermitted', `Service ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`);
  }
  return ctx.services.resolve(namespace, ref.name, ref.port);
}

const fail = (reason: string, message: string): BackendResolution => ({ ok: false, problem: { reason, message } });
