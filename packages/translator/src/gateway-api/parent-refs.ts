// Attaching a route to Gateway listeners through its parentRefs: sectionName/port, allowed kinds and namespaces, hostnames.
import { matchesSelector, namespaceLabels, type Problem, type Resource } from '../resources';
import type { ParentRef } from './common-schema';
import type { Context } from './context';
import { GATEWAY_GROUP } from './constants';
import { GatewayKind } from './gateway-schema';
import { listenerUsable, type GatewayState, type ListenerState } from './gateway-state';
import { intersectHostnames } from './hostnames';
import { reasonCode } from './problems';

/** The route as attachment sees it. */
export interface AttachingRoute {
  kind: string;
  res: Resource<{ spec: { parentRefs?: ParentRef[] | undefined; hostnames?: string[] | undefined } }>;
  /** HTTP and TLS routes match hostnames; TCP routes do not. */
  usesHostnames: boolean;
}

/** Where a route lands on one listener: the hostnames it serves there (`*` means any). */
export interface Attachment {
  listener: ListenerState;
  hostnames: string[];
}

/** The result for one of our parentRefs. */
export interface ParentOutcome {
  /** The parentRef with defaults filled, as status reports it. */
  parentRef: Record<string, unknown>;
  index: number;
  gateway?: GatewayState;
  attachments: Attachment[];
  /** Why the route is not Accepted by this parent. */
  problem?: Problem;
}

/** Resolves every parentRef that points at one of our Gateways (others belong to other controllers). */
export function attachToParents(ctx: Context, route: AttachingRoute): ParentOutcome[] {
  const out: ParentOutcome[] = [];
  (route.res.body.spec.parentRefs ?? []).forEach((ref, index) => {
    const group = ref.group ?? GATEWAY_GROUP;
    const kind = ref.kind ?? 'Gateway';
    if (group !== GATEWAY_GROUP || kind !== 'Gateway') return;
    const namespace = ref.namespace ?? route.res.namespace;
    const gw = ctx.gateways.get(`${namespace}/${ref.name}`);
    const outcome: ParentOutcome = { parentRef: statusParentRef(ref), index, attachments: [] };
    if (!gw) {
      // A Gateway of another class is someone else's. A missing one may be too (once it
      // exists), so Gateway API leaves it out of status; the error still shows typos.
      const state = ctx.index.lookup(GatewayKind, namespace, ref.name);
      if (state !== 'valid') {
        ctx.sink.add(route.res, `spec.parentRefs[${index}]`, 'parent-not-found', `Gateway ${namespace}/${ref.name} ${state === 'invalid' ? 'is invalid' : 'not found'}`);
      }
      return;
    }
    outcome.gateway = gw;
    attach(ctx, route, ref, gw, outcome);
    if (outcome.problem) {
      ctx.sink.add(route.res, `spec.parentRefs[${index}]`, reasonCode(outcome.problem.reason), outcome.problem.message);
    }
    out.push(outcome);
  });
  return out;
}

function attach(ctx: Context, route: AttachingRoute, ref: ParentRef, gw: GatewayState, outcome: ParentOutcome): void {
  if (gw.notAccepted) {
    outcome.problem = { reason: 'NoMatchingParent', message: `Gateway ${gw.key} is not accepted: ${gw.notAccepted.message}` };
    return;
  }
  const candidates = gw.listeners.filter(
    (l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
  );
  if (!candidates.length) {
    const wanted = [ref.sectionName && `named ${ref.sectionName}`, ref.port && `on port ${ref.port}`].filter(Boolean).join(' ');
    outcome.problem = { reason: 'NoMatchingParent', message: `Gateway ${gw.key} has no listener ${wanted}` };
    return;
  }
  const refusals: string[] = [];
  const allowed = candidates.filter((l) => {
    const why = refusal(ctx, route, l);
    if (why) refusals.push(`listener ${l.name}: ${why}`);
    return !why;
  });
  if (!allowed.length) {
    outcome.problem = { reason: 'NotAllowedByListeners', message: refusals.join('; ') };
    return;
  }
  const routeHosts = route.usesHostnames ? (route.res.body.spec.hostnames ?? []) : [];
  for (const l of allowed) {
    const hostnames = route.usesHostnames ? intersectHostnames(l.hostname, routeHosts) : ['*'];
    if (hostnames.length) outcome.attachments.push({ listener: l, hostnames });
  }
  if (!outcome.attachments.length) {
    outcome.problem = {
      reason: 'NoMatchingListenerHostname',
      message: `no route hostname (${routeHosts.join(', ')}) matches the hostname of listener ${allowed.map((l) => `${l.name} (${l.hostname})`).join(', ')}`,
    };
  }
}

/** Why a listener refuses the route, or undefined when it takes it. */
function refusal(ctx: Context, route: AttachingRoute, l: ListenerState): string | undefined {
  if (!listenerUsable(l)) return `not valid (${(l.notAccepted ?? l.conflicted)?.message})`;
  if (!l.supportedKinds.some((k) => k.group === GATEWAY_GROUP && k.kind === route.kind)) return `does not allow ${route.kind}`;
  const gwNs = l.gateway.res.namespace;
  const routeNs = route.res.namespace;
  if (l.namespaces.from === 'Same' && routeNs !== gwNs) return `allows routes from namespace ${gwNs} only`;
  if (l.namespaces.from === 'Selector' && l.namespaces.selector) {
    if (!matchesSelector(namespaceLabels(ctx.index, routeNs), l.namespaces.selector)) return `namespace ${routeNs} does not match its selector`;
  }
  return undefined;
}

function statusParentRef(ref: ParentRef): Record<string, unknown> {
  const out: Record<string, unknown> = { group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? 'Gateway' };
  if (ref.namespace !== undefined) out.namespace = ref.namespace;
  out.name = ref.name;
  if (ref.sectionName !== undefined) out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  return out;
}
