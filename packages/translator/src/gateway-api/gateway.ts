// Gateways of our classes: listen addresses, listeners and conflicts, acceptance.
import { isIP } from 'node:net';
import type { Problem, Resource } from '../resources';
import type { Context } from './context';
import { GatewayKind, type GatewaySpec } from './gateway-schema';
import { listenerUsable, type GatewayState } from './gateway-state';
import { applyGatewayTls } from './gateway-tls';
import { buildListener } from './listener';
import { markConflicts, markOverlappingTls } from './listener-conflicts';
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
  const { addresses, problem } = listenAddresses(ctx, res);
  const gw: GatewayState = { res, key, addresses, listeners: [], builder: new ProxyGroupBuilder(key, addresses) };
  if (problem) gw.notAccepted = problem;
  gw.listeners = res.body.spec.listeners.map((spec, i) => buildListener(ctx, gw, spec, i));
  applyGatewayTls(ctx, gw);
  for (const l of markConflicts(gw.listeners)) {
    ctx.sink.add(res, `spec.listeners[${l.index}]`, 'listener-conflict', l.conflicted?.message ?? 'conflicted');
  }
  markOverlappingTls(gw.listeners);
  if (!gw.notAccepted && !gw.listeners.some(listenerUsable)) {
    const conflicted = gw.listeners.filter((l) => l.conflicted).map((l) => l.name);
    gw.notAccepted = {
      reason: 'ListenersNotValid',
      message: `no listener is valid${conflicted.length ? ` (conflicted: ${conflicted.join(', ')})` : ''}`,
    };
  }
  return gw;
}

/**
 * The Gateway's IP addresses (every listener binds each of them), else the
 * default. An IPAddress without a value is assigned the default address, as
 * Gateway API allows. Another address type, or a malformed IP, makes the
 * Gateway unaccepted (UnsupportedAddress), as Gateway API requires.
 */
function listenAddresses(ctx: Context, res: Resource<{ spec: GatewaySpec }>): { addresses: string[]; problem?: Problem } {
  const addresses: string[] = [];
  const bad: string[] = [];
  (res.body.spec.addresses ?? []).forEach((a, i) => {
    const type = a.type ?? 'IPAddress';
    let message: string | undefined;
    if (type !== 'IPAddress') message = `address type ${type} is not supported; use IPAddress`;
    else if (a.value !== undefined && a.value !== '' && !isIP(a.value)) message = `${a.value} is not an IP address`;
    if (message) {
      bad.push(message);
      ctx.sink.add(res, `spec.addresses[${i}]`, 'unsupported-address', message);
      return;
    }
    const value = a.value || ctx.options.defaultListenAddress;
    if (!addresses.includes(value)) addresses.push(value);
  });
  const result: { addresses: string[]; problem?: Problem } = { addresses: addresses.length ? addresses : [ctx.options.defaultListenAddress] };
  if (bad.length) result.problem = { reason: 'UnsupportedAddress', message: bad.join('; ') };
  return result;
}
