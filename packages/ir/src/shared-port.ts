// Listeners on one address and port: allowed when every connection belongs to exactly one of them, by its TLS SNI name.
import type { Issue } from '@tidegate/common';
import type { HttpListener, TcpListener } from './types';

/** What a listener answers on its port: the SNI names it takes, and whether it takes connections no name matches. */
export interface PortClaim {
  serverNames: string[];
  fallback: boolean;
}

/**
 * The connections a listener takes, told apart by SNI. Plain HTTP takes everything; HTTPS the
 * names of its certificates (and, with a certificate without hostnames, the rest); a TCP
 * listener the SNI names of its routes, plus for its catch-all route every other connection
 * (with TLS terminated: its certificates' names and, with a certificate without hostnames, the rest).
 */
export function portClaim(l: HttpListener | TcpListener): PortClaim {
  const lower = (names: string[]) => names.map((h) => h.toLowerCase());
  const certificateClaim = (): PortClaim => ({
    serverNames: lower(l.tls?.certificates.flatMap((c) => c.hostnames) ?? []),
    fallback: l.tls?.certificates.some((c) => c.hostnames.length === 0) ?? false,
  });
  if ('virtualHosts' in l) return l.tls ? certificateClaim() : { serverNames: [], fallback: true };
  const routeNames = lower(l.routes.flatMap((r) => r.sniHostnames ?? []));
  const catchAll = l.routes.some((r) => !r.sniHostnames?.length);
  if (!catchAll) return { serverNames: routeNames, fallback: false };
  if (!l.tls) return { serverNames: routeNames, fallback: true };
  const certs = certificateClaim();
  return { serverNames: [...routeNames, ...certs.serverNames], fallback: certs.fallback };
}

/**
 * Issues for listeners sharing an address and port: each SNI name, and the fallback for
 * connections no name matches, may belong to one listener only, and all must agree on the
 * PROXY protocol (it is read before any listener is chosen).
 */
export function sharedPortIssues(listeners: ReadonlyArray<HttpListener | TcpListener>, path: string): Issue[] {
  const byAddress = new Map<string, Array<HttpListener | TcpListener>>();
  for (const l of listeners) {
    const key = `${l.address}:${l.port}`;
    byAddress.set(key, [...(byAddress.get(key) ?? []), l]);
  }
  const issues: Issue[] = [];
  for (const [key, group] of byAddress) {
    if (group.length < 2) continue;
    const at = `${path}.listeners(${key})`;
    const owner = new Map<string, string>();
    const claim = (name: string, listener: string, what: string) => {
      const first = owner.get(name);
      if (first !== undefined && first !== listener) {
        issues.push({ code: 'shared-port-conflict', path: at, message: `${what} is taken by both ${first} and ${listener}` });
      } else owner.set(name, listener);
    };
    for (const l of group) {
      const c = portClaim(l);
      for (const name of new Set(c.serverNames)) claim(name, l.name, `SNI name "${name}"`);
      if (c.fallback) claim('', l.name, 'the fallback for connections no SNI name matches');
    }
    if (new Set(group.map((l) => Boolean(l.proxyProtocol))).size > 1) {
      issues.push({ code: 'shared-port-conflict', path: at, message: 'listeners sharing a port must agree on proxyProtocol' });
    }
  }
  return issues;
}
