// Gateway status: addresses, Accepted/Programmed, and per-listener conditions with attachedRoutes.
import type { Condition, ObjectStatus } from '@tidegate/common';
import { condition, type Problem } from '../resources';
import { listenerProgrammed, listenerUsable, type GatewayState, type ListenerState } from './gateway-state';

/** Status of a Gateway; `programmed` is the problem that kept its ProxyGroup out, if any. */
export function gatewayStatus(gw: GatewayState, notProgrammed: Problem | undefined): ObjectStatus {
  const gen = gw.res.generation;
  const invalid = gw.listeners.filter((l) => !listenerUsable(l)).map((l) => l.name);
  let accepted: Condition;
  if (gw.notAccepted) accepted = condition('Accepted', false, gw.notAccepted.reason, gw.notAccepted.message, gen);
  else if (invalid.length) accepted = condition('Accepted', true, 'ListenersNotValid', `invalid listeners: ${invalid.join(', ')}`, gen);
  else accepted = condition('Accepted', true, 'Accepted', 'Gateway is accepted', gen);
  const blocked = gw.notAccepted ?? notProgrammed;
  const status: Record<string, unknown> = {};
  if (!blocked) status.addresses = [{ type: 'IPAddress', value: gw.address }];
  status.conditions = [
    accepted,
    blocked
      ? condition('Programmed', false, 'Invalid', blocked.message, gen)
      : condition('Programmed', true, 'Programmed', 'configuration is generated', gen),
  ];
  status.listeners = gw.listeners.map((l) => listenerStatus(l, blocked, gen));
  return { kind: gw.res.ref.kind, namespace: gw.res.namespace, name: gw.res.name, status };
}

function listenerStatus(l: ListenerState, gatewayBlocked: Problem | undefined, gen: number | undefined): Record<string, unknown> {
  const notProgrammed = l.notAccepted ?? l.conflicted ?? l.notProgrammed ?? gatewayBlocked;
  return {
    name: l.name,
    supportedKinds: l.supportedKinds,
    attachedRoutes: l.attachedRoutes.size,
    conditions: [
      l.notAccepted
        ? condition('Accepted', false, l.notAccepted.reason, l.notAccepted.message, gen)
        : condition('Accepted', true, 'Accepted', 'listener is accepted', gen),
      listenerProgrammed(l) && !gatewayBlocked
        ? condition('Programmed', true, 'Programmed', 'listener is programmed', gen)
        : condition('Programmed', false, 'Invalid', notProgrammed?.message ?? 'listener is not programmed', gen),
      l.refsProblem
        ? condition('ResolvedRefs', false, l.refsProblem.reason, l.refsProblem.message, gen)
        : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', gen),
      l.conflicted
        ? condition('Conflicted', true, l.conflicted.reason, l.conflicted.message, gen)
        : condition('Conflicted', false, 'NoConflicts', 'no conflicts', gen),
    ],
  };
}
