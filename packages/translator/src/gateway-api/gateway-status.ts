// Gateway status: addresses, Accepted/Programmed, and per-listener conditions with attachedRoutes.
import type { Condition, ObjectStatus } from '@tidegate/common';
import { condition, type Problem } from '../resources';
import { listenerProgrammed, listenerUsable, type GatewayState, type ListenerState } from './gateway-state';

/** Status of a Gateway; `programmed` is the problem that kept its ProxyGroup out, if any. */
export function gatewayStatus(gw: GatewayState, notProgrammed: Problem | undefined): ObjectStatus {
  const gen = gw.res.generation;
  let accepted: Condition;
  if (gw.notAccepted) accepted = condition('Accepted', false, gw.notAccepted.reason, gw.notAccepted.message, gen);
  else if (!gw.listeners.every(listenerUsable)) accepted = condition('Accepted', true, 'ListenersNotValid', listenerSummary(gw.listeners), gen);
  else accepted = condition('Accepted', true, 'Accepted', 'Gateway is accepted', gen);
  const blocked = gw.notAccepted ?? notProgrammed;
  const status: Record<string, unknown> = {};
  if (!blocked) status.addresses = gw.addresses.map((value) => ({ type: 'IPAddress', value }));
  status.conditions = [
    accepted,
    blocked
      ? condition('Programmed', false, 'Invalid', blocked.message, gen)
      : condition('Programmed', true, 'Programmed', 'configuration is generated', gen),
    resolvedRefs(gw, gen),
    // Gateway API: present (True) while the fallback is configured, removed when it is not.
    ...(gw.insecureFrontend
      ? [condition('InsecureFrontendValidationMode', true, 'ConfigurationChanged', 'client certificate validation allows insecure fallback', gen)]
      : []),
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
      ...(l.overlappingTls ? [condition('OverlappingTLSConfig', true, l.overlappingTls.reason, l.overlappingTls.message, gen)] : []),
    ],
  };
}

/** Which listeners are invalid, which conflicted and which accepted, as Gateway API asks ListenersNotValid to say. */
function listenerSummary(listeners: readonly ListenerState[]): string {
  const names = (ls: ListenerState[]) => ls.map((l) => l.name).join(', ');
  const invalid = listeners.filter((l) => l.notAccepted);
  const conflicted = listeners.filter((l) => !l.notAccepted && l.conflicted);
  const accepted = listeners.filter(listenerUsable);
  return [
    invalid.length ? `not accepted: ${names(invalid)}` : '',
    conflicted.length ? `conflicted: ${names(conflicted)}` : '',
    `accepted: ${accepted.length ? names(accepted) : 'none'}`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Gateway ResolvedRefs: its own references (backend client certificate), else a summary of the listeners'. */
function resolvedRefs(gw: GatewayState, gen: number | undefined): Condition {
  if (gw.refsProblem) return condition('ResolvedRefs', false, gw.refsProblem.reason, gw.refsProblem.message, gen);
  const unresolved = gw.listeners.filter((l) => l.refsProblem).map((l) => l.name);
  if (unresolved.length) return condition('ResolvedRefs', false, 'ListenersNotResolved', `listeners with unresolved references: ${unresolved.join(', ')}`, gen);
  return condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', gen);
}
