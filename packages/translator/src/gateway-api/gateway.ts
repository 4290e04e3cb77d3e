// Gateways of our classes: listen address, listeners and conflicts, acceptance.
import { isIP } from 'node:net';
import type { Resource } from '../resources';
import type { Context } from './context';
import { GatewayKind, type GatewaySpec } from './gateway-schema';
import { listenerUsable, type GatewayState } from './gateway-state';
import { buildListener } from './listener';
import { markConflicts } from './listener-conflicts';
import { ProxyGroupBuilder } from './proxy-group-builder';

/** Builds the state of every Gateway whose class is ours, keyed by `namespace/name`. */
export function buildGateways(ctx: Context, ourClasses: ReadonlySet<string>): Map<string, GatewayState> {
  const out = new Map<string, GatewayState>();
  for (const res of ctx.index.list(GatewayKind)) {
    if (!ourClasses.has(res.body.spec.gatewayClassName)) continue;
    out.set(`${res.namespace}/${res.name}`, buildGateway(ctx, res));
  }
  return out;
}

function buildGateway(ctx: Context, res: Resource<{ spec: GatewaySpec }>): GatewayState {
  const key = `${res.namespace}/${res.name}`;
  const { address, problem } = listenAddress(ctx, res);
  const gw: GatewayState = { res, key, address, listeners: [], builder: new ProxyGroupBuilder(key, address) };
  if (problem) gw.notAccepted = problem;
  gw.listeners = res.body.spec.listeners.map((spec, i) => buildListener(ctx, gw, spec, i));
  for (const l of markConflicts(gw.listeners)) {
    ctx.sink.add(res, `spec.listeners[${l.index}]`, 'listener-conflict', l.conflicted?.message ?? 'conflicted');
  }
  if (!gw.notAccepted && !gw.listeners.some(listenerUsable)) {
    gw.notAccepted = { reason: 'ListenersNotValid', message: 'no listener is valid' };
  }
  return gw;
}

/**
 * The first IPAddress in spec.addresses, else the default. Tidegate binds
 * listeners to an IP; any other address type, or a malformed IP, makes the
 * Gateway unaccepted (UnsupportedAddress), as Gateway API requires.
 */
function listenAddress(ctx: Context, res: Resource<{ spec: GatewaySpec }>): { address: string; problem?: { reason: string; message: string } } {
  let address: string | undefined;
  const bad: string[] = [];
  (res.body.spec.addresses ?? []).forEach((a, i) => {
    const type = a.type ?? 'IPAddress';
    let message: string | undefined;
    if (type !== 'IPAddress') message = `address type ${type} is not supported; use IPAddress`;
    else if (!isIP(a.value)) message = `${a.value} is not an IP address`;
    if (message) {
      bad.push(message);
      ctx.sink.add(res, `spec.addresses[${i}]`, 'unsupported-address', message);
    } else {
      address ??= a.value;
    }
  });
  const result: { address: string; problem?: { reason: string; message: string } } = { address: address ?? ctx.options.defaultListenAddress };
  if (bad.length) result.problem = { reason: 'UnsupportedAddress', message: bad.join('; ') };
  return result;
}
