// Gateways of our classes: listen addresses, listeners and conflicts, acceptance.
import { isIP } from 'node:net';
import type { Problem, Resource } from '../resources';
import { assignPoolAddresses, parseAddressPool } from './address-pool';
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
  const ours = ctx.index.list(GatewayKind).filter((res) => ourClasses.has(res.body.spec.gatewayClassName));
  const pooled = poolAddresses(ctx, ours);
  for (const res of ours) {
    const key = `${res.namespace}/${res.name}`;
    out.set(key, buildGateway(ctx, res, pooled.get(key) ?? ctx.options.defaultListenAddress));
  }
  return out;
}

/** With an address pool: an address for each Gateway that requests none (or an IPAddress without a value). */
function poolAddresses(ctx: Context, gateways: Array<Resource<{ spec: GatewaySpec }>>): Map<string, string> {
  const pool = ctx.options.addressPool === undefined ? undefined : parseAddressPool(ctx.options.addressPool);
  if (!pool) return new Map();
  const explicit = gateways.flatMap((res) => (res.body.spec.addresses ?? []).map((a) => a.value ?? '').filter((v) => isIP(v)));
  const wanting = gateways.filter((res) => {
    const addresses = res.body.spec.addresses ?? [];
    return addresses.length === 0 || addresses.some((a) => (a.type ?? 'IPAddress') === 'IPAddress' && !a.value);
  });
  return assignPoolAddresses(wanting.map((res) => `${res.namespace}/${res.name}`), pool, new Set(explicit));
}

function buildGateway(ctx: Context, res: Resource<{ spec: GatewaySpec }>, defaultAddress: string): GatewayState {
  const key = `${res.namespace}/${res.name}`;
  const { addresses, problem } = listenAddresses(ctx, res, defaultAddress);
  const gw: GatewayState = { res, key, addresses, listeners: [], builder: new ProxyGroupBuilder(key, addresses) };
  if (problem) gw.notAccepted = problem;
  gw.listeners = res.body.spec.listeners.map((spec, i) => buildListener(ctx, gw, spec, i));
  applyGatewayTls(ctx, gw);
  for (const l of markConflicts(gw.listeners)) {
    ctx.sink.add(res, `spec.listeners[${l.index}]`, 'listener-conflict', l.conflicted?.message ?? 'conflicted');
  }
  markOverlappingTls(gw.listeners);
  rejectWithoutListeners(gw);
  return gw;
}

/** A Gateway none of whose listeners is usable is not accepted (ListenersNotValid). */
export function rejectWithoutListeners(gw: GatewayState): void {
  if (gw.notAccepted || gw.listeners.some(listenerUsable)) return;
  const conflicted = gw.listeners.filter((l) => l.conflicted).map((l) => l.name);
  gw.notAccepted = {
    reason: 'ListenersNotValid',
    message: `no listener is valid${conflicted.length ? ` (conflicted: ${conflicted.join(', ')})` : ''}`,
  };
}

/**
 * The Gateway's IP addresses (every listener binds each of them), else the
 * default (its pool address, or the default listen address). An IPAddress
 * without a value is assigned the default address, as Gateway API allows. Another address type, or a malformed IP, makes the
 * Gateway unaccepted (UnsupportedAddress), as Gateway API requires.
 */
function listenAddresses(ctx: Context, res: Resource<{ spec: GatewaySpec }>, defaultAddress: string): { addresses: string[]; problem?: Problem } {
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
    const value = a.value || defaultAddress;
    if (!addresses.includes(value)) addresses.push(value);
  });
  const result: { addresses: string[]; problem?: Problem } = { addresses: addresses.length ? addresses : [defaultAddress] };
  if (bad.length) result.problem = { reason: 'UnsupportedAddress', message: bad.join('; ') };
  return result;
}
