// Where the translators' proxy groups meet: sockets the default Ingress gateway binds, and which object owns each listened-on port.
import type { SourceRef, SourcedObject } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import { groupSocketClaims, type ObjectRef, type SocketClaim, type TranslationError } from '@tidegate/translator';

/**
 * The addresses and ports the default Ingress gateway's listeners bind. Its ports are the
 * operator's (`--http-port`, `--https-port`), so it keeps them: a Gateway listener on one of them
 * is Conflicted instead of both Envoys binding the port.
 */
export function ingressSocketClaims(ingressGroups: readonly ProxyGroup[]): SocketClaim[] {
  return groupSocketClaims(ingressGroups, (group, listener) => `the default Ingress gateway ${group} (listener ${listener})`);
}

/** The object (and field) that makes a proxy group listen on a port: a Gateway listener, or the default Ingress gateway. */
export interface PortOwner {
  group: string;
  port: number;
  object: ObjectRef;
  source?: SourceRef;
  path: string;
}

/** Owners of every port the groups listen on: Gateway groups are named `namespace/name` after their Gateway. */
export function portOwners(objects: readonly SourcedObject[], gatewayGroups: readonly ProxyGroup[], ingressGroups: readonly ProxyGroup[]): PortOwner[] {
  const gateways = new Set(gatewayGroups.map((g) => g.name));
  const out: PortOwner[] = [];
  for (const { object, source } of objects) {
    const group = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    if (object.kind !== 'Gateway' || !object.apiVersion.startsWith('gateway.networking.k8s.io/') || !gateways.has(group)) continue;
    const listeners = ((object as { spec?: { listeners?: Array<{ port?: number }> } }).spec?.listeners ?? []);
    listeners.forEach((l, i) => {
      if (typeof l.port !== 'number') return;
      const ref: ObjectRef = { kind: 'Gateway', namespace: object.metadata?.namespace, name: object.metadata?.name ?? '' };
      out.push({ group, port: l.port, object: ref, ...(source ? { source } : {}), path: `spec.listeners[${i}].port` });
    });
  }
  for (const g of ingressGroups) {
    for (const l of g.httpListeners) out.push({ group: g.name, port: l.port, object: { kind: 'ProxyGroup', name: g.name }, path: `listeners.${l.name}` });
  }
  return out;
}

/** A port that another process holds, as an error on each object that owns a listener there. */
export function portHeldErrors(problems: ReadonlyArray<{ group: string; port: number; message: string }>, owners: readonly PortOwner[]): TranslationError[] {
  return problems.flatMap((p) => {
    const mine = owners.filter((o) => o.group === p.group && o.port === p.port);
    const message = `${p.message}: proxy group ${p.group} cannot listen there`;
    const fallback: PortOwner = { group: p.group, port: p.port, object: { kind: 'ProxyGroup', name: p.group }, path: '' };
    return (mine.length ? mine : [fallback]).map((o) => ({ object: o.object, ...(o.source ? { source: o.source } : {}), path: o.path, code: 'port-in-use', message }));
  });
}
