// Listeners of different proxy groups (Gateways, the default Ingress gateway) that would bind the same address and port.
import type { ProxyGroup } from '@tidegate/ir';
import { byAge } from '../resources';
import { listenerUsable, type GatewayState } from './gateway-state';

/** An address and port some proxy group's Envoy binds, and who that is (for messages). */
export interface SocketClaim {
  address: string;
  port: number;
  /** Who binds it, e.g. `the default Ingress gateway tidegate/ingress (listener http)`. */
  owner: string;
}

/**
 * Whether two bind addresses take the same port away from each other: the same address, or a
 * wildcard (`0.0.0.0`, `::`) and any address of its family. Envoy binds `::` IPv6-only.
 */
export function addressesOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const v6 = (s: string) => s.includes(':');
  if (v6(x) !== v6(y)) return false;
  const wildcard = (s: string) => s === '0.0.0.0' || s === '::';
  return wildcard(x) || wildcard(y);
}

/** Every address and port the listeners of `groups` bind, owned by `describe(group, listenerName)`. */
export function groupSocketClaims(groups: readonly ProxyGroup[], describe: (group: string, listener: string) => string): SocketClaim[] {
  return groups.flatMap((g) => [...g.httpListeners, ...g.tcpListeners].map((l) => ({ address: l.address, port: l.port, owner: describe(g.name, l.name) })));
}

/**
 * Marks Gateway listeners Conflicted (PortConflict) whose address and port another proxy group
 * already binds: each Envoy is its own process and only one can listen on an address and port
 * (SO_REUSEPORT would split connections between them at random). `claimed` (the default Ingress
 * gateway's listeners) always keeps its sockets; among Gateways the oldest (then by
 * namespace/name) keeps them and the later Gateway's listener is Conflicted, naming the other.
 * Returns the listeners newly marked.
 */
export function markSocketConflicts(gateways: Iterable<GatewayState>, claimed: readonly SocketClaim[]): Array<{ gateway: GatewayState; index: number; message: string }> {
  const taken: SocketClaim[] = [...claimed];
  const marked: Array<{ gateway: GatewayState; index: number; message: string }> = [];
  for (const gw of [...gateways].sort((a, b) => byAge(a.res, b.res))) {
    if (gw.notAccepted) continue;
    const mine: SocketClaim[] = [];
    for (const l of gw.listeners) {
      if (!listenerUsable(l) || l.notProgrammed) continue;
      const clashes = gw.addresses.flatMap((address) => taken.filter((t) => t.port === l.port && addressesOverlap(t.address, address)).map((t) => ({ address, t })));
      const first = clashes[0];
      if (first) {
        const where = first.t.address === first.address ? '' : ` on ${first.t.address}`;
        const message = `port ${l.port} on ${first.address} is taken by ${first.t.owner}${where}: only one proxy can listen on an address and port, so this listener is not served`;
        l.conflicted = { reason: 'PortConflict', message };
        marked.push({ gateway: gw, index: l.index, message });
        continue;
      }
      for (const address of gw.addresses) mine.push({ address, port: l.port, owner: `the older Gateway ${gw.key} (listener ${l.name})` });
    }
    // A Gateway's own listeners share ports freely (one Envoy): its claims count only for later Gateways.
    taken.push(...mine);
  }
  return marked;
}
