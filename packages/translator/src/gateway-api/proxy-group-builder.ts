// Collects what routes and policies contribute to one Gateway, then assembles its ProxyGroup.
import { compareStrings } from '@tidegate/common';
import type { Backend, GrpcApiListener, HttpListener, ProxyGroup, Route, Secret, TcpListener, TcpRoute, VirtualHost } from '@tidegate/ir';
import { compareHosts, type Problem } from '../resources';
import type { ServicePortUse } from './backend-tls-policy';
import { listenerProgrammed, listenerUsable, type ListenerState } from './gateway-state';
import { hostnameMatches } from './hostnames';
import { terminatesTls } from './listener';
import { precedenceSortKey, type PrecedenceKey } from './route-precedence';
import type { AttachmentResult } from './route-status';

/** One IR route with its place in Gateway API precedence. */
export interface RouteEntry {
  route: Route;
  key: PrecedenceKey;
  /** The rule's name, for policies that target one rule (sectionName). */
  rule?: string;
}

/** Backends and secrets a contribution references; they join the group only if it is used. */
export interface Needs {
  backends: Backend[];
  secrets: Secret[];
  /** Service ports referenced (resolvable or not), for the status of policies that target them. */
  servicePorts?: ServicePortUse[];
}

/** Settings a ClientTrafficPolicy applies to the listener on one port. */
export interface ListenerPolicy {
  apply: (l: HttpListener | TcpListener) => void;
  needs: Needs;
}

interface HttpContribution {
  listener: ListenerState;
  hostname: string;
  entries: RouteEntry[];
  needs: Needs;
}

interface TcpContribution {
  listener: ListenerState;
  route: TcpRoute;
  needs: Needs;
}

export class ProxyGroupBuilder {
  private readonly http: HttpContribution[] = [];
  private readonly tcp: TcpContribution[] = [];
  private readonly grpc: Array<{ listener: GrpcApiListener; needs: Needs }> = [];
  private readonly policies = new Map<number, ListenerPolicy>();
  private readonly ports = new Map<string, ServicePortUse>();
  private backendClientCert?: Secret;

  /** Listeners bind the first address; each further address gets a copy of every listener. */
  constructor(
    readonly name: string,
    readonly addresses: readonly string[],
  ) {}

  private get address(): string {
    return this.addresses[0] as string;
  }

  /**
   * Routes of one route attached to `listener`, served for each of `hostnames` (`*` for any host).
   * `unserved` when more specific listeners of the port take every one of those hostnames.
   */
  addHttpRoutes(listener: ListenerState, hostnames: readonly string[], entries: RouteEntry[], needs: Needs): AttachmentResult {
    this.notePorts(needs);
    for (const hostname of hostnames) this.http.push({ listener, hostname, entries, needs });
    if (hostnames.length === 0 || hostnames.includes('*')) return undefined;
    const peers = listener.gateway.listeners.filter((l) => l.port === listener.port && listenerUsable(l));
    if (hostnames.some((h) => mostSpecificListeners(h, peers).includes(listener))) return undefined;
    const owners = hostnames.map((h) => `${h} → ${mostSpecificListeners(h, peers).map((l) => l.name).join(', ')}`);
    return { unserved: `on listener ${listener.name} its hostnames all belong to more specific listeners (${owners.join('; ')})` };
  }

  /** Service ports the attached routes of this Gateway reference. */
  servicePorts(): ServicePortUse[] {
    return [...this.ports.values()];
  }

  private notePorts(needs: Needs): void {
    for (const p of needs.servicePorts ?? []) this.ports.set(`${p.namespace}/${p.service}/${p.port}`, p);
  }

  /**
   * A TCP/TLS route; refused when another route already takes the same SNI names (or the
   * catch-all) on that port. SNI names a more specific listener of the port covers are left to
   * that listener (Gateway API listener isolation; also what keeps the names of TLS and HTTPS
   * listeners sharing a port apart); a route left with none stays attached but is `unserved` here.
   */
  addTcpRoute(listener: ListenerState, route: TcpRoute, needs: Needs): AttachmentResult {
    if (route.sniHostnames) {
      const peers = listener.gateway.listeners.filter((l) => l.port === listener.port && listenerUsable(l));
      const owned = route.sniHostnames.filter((h) => mostSpecificListeners(h, peers).includes(listener));
      if (owned.length === 0) {
        const owners = route.sniHostnames.map((h) => `${h} → ${mostSpecificListeners(h, peers).map((l) => l.name).join(', ')}`);
        return { unserved: `on listener ${listener.name} its SNI names all belong to more specific listeners (${owners.join('; ')})` };
      }
      if (owned.length < route.sniHostnames.length) route = { ...route, sniHostnames: owned };
    }
    const mine = route.sniHostnames ?? [];
    for (const other of this.tcp) {
      if (other.listener.port !== listener.port || other.route.name === route.name) continue;
      const theirs = other.route.sniHostnames ?? [];
      const clash = mine.length === 0 ? theirs.length === 0 : mine.some((h) => theirs.includes(h));
      if (clash) {
        return {
          reason: 'NotAllowedByListeners',
          message: `${other.route.name} already takes ${mine.length ? `SNI ${mine.join(', ')}` : 'all connections'} on port ${listener.port}`,
        };
      }
    }
    this.tcp.push({ listener, route, needs });
    this.notePorts(needs);
    return undefined;
  }

  /** A proxyless gRPC target; false when the name is taken. */
  addGrpcListener(listener: GrpcApiListener, needs: Needs): boolean {
    if (this.grpc.some((g) => g.listener.name === listener.name)) return false;
    this.grpc.push({ listener, needs });
    return true;
  }

  /** Gateway spec.tls.backend: presented to every TLS backend of this group that has no client certificate of its own. */
  setBackendClientCertificate(secret: Secret): void {
    this.backendClientCert = secret;
  }

  setListenerPolicy(port: number, policy: ListenerPolicy): void {
    this.policies.set(port, policy);
  }

  /**
   * The ProxyGroup: one IR listener per port and family of programmed listeners (HTTP(S), TLS
   * Passthrough, TLS Terminate, TCP; only the SNI-routed HTTPS and TLS families share a port);
   * backends and secrets that are used.
   */
  build(listeners: readonly ListenerState[]): ProxyGroup {
    const backends = new Map<string, Backend>();
    const secrets = new Map<string, Secret>();
    // Backends are taken as they are (not copied: with thousands of registry services the
    // copies cost more than the rest of the translation); the one change made below copies.
    const use = (needs: Needs) => {
      for (const b of needs.backends) if (!backends.has(b.name)) backends.set(b.name, b);
      for (const s of needs.secrets) if (!secrets.has(s.name)) secrets.set(s.name, structuredClone(s));
    };
    const group: ProxyGroup = { name: this.name, httpListeners: [], tcpListeners: [], grpcApiListeners: [], backends: [], secrets: [] };
    const byPort = new Map<number, ListenerState[]>();
    for (const l of listeners.filter(listenerProgrammed)) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
    for (const [port, onPort] of [...byPort].sort((a, b) => a[0] - b[0])) {
      const policy = this.policies.get(port);
      if (policy) use(policy.needs);
      for (const family of portFamilies(port, onPort)) {
        if (family.http) {
          const l = this.httpListener(port, family.protocol, family.listeners, use);
          policy?.apply(l);
          // Settings first, the long list of virtual hosts last: easier to read in dumps and goldens.
          const { virtualHosts, ...settings } = l;
          group.httpListeners.push({ ...settings, virtualHosts });
        } else {
          const l = this.tcpListener(port, family.name, family.listeners, use);
          policy?.apply(l);
          const { routes, ...settings } = l;
          group.tcpListeners.push({ ...settings, routes });
        }
      }
    }
    // More addresses: the same listeners again (sharing their routes), named after the address.
    for (const extra of this.addresses.slice(1)) {
      const suffix = extra.replace(/[^A-Za-z0-9]+/g, '-');
      group.httpListeners.push(...group.httpListeners.filter((l) => l.address === this.address).map((l) => ({ ...l, name: `${l.name}-${suffix}`, address: extra })));
      group.tcpListeners.push(...group.tcpListeners.filter((l) => l.address === this.address).map((l) => ({ ...l, name: `${l.name}-${suffix}`, address: extra })));
    }
    for (const g of this.grpc) {
      use(g.needs);
      group.grpcApiListeners.push(structuredClone(g.listener));
    }
    const clientCert = this.backendClientCert;
    if (clientCert) {
      let used = false;
      for (const b of backends.values()) {
        if (!b.tls || b.tls.clientCertificateSecret) continue;
        backends.set(b.name, { ...b, tls: { ...b.tls, clientCertificateSecret: clientCert.name } });
        used = true;
      }
      if (used) use({ backends: [], secrets: [clientCert] });
    }
    group.backends = [...backends.values()].sort((a, b) => compareStrings(a.name, b.name));
    group.secrets = [...secrets.values()].sort((a, b) => compareStrings(a.name, b.name));
    return group;
  }

  private httpListener(port: number, protocol: string, onPort: ListenerState[], use: (n: Needs) => void): HttpListener {
    const l: HttpListener = { name: `${protocol.toLowerCase()}-${port}`, address: this.address, port, virtualHosts: [] };
    if (protocol === 'HTTPS') {
      const certificates = onPort.flatMap((ls) => ls.certificates);
      use({ backends: [], secrets: certificates.map((c) => c.secret) });
      l.tls = { certificates: certificates.map((c) => structuredClone(c.ref)) };
      // Gateway spec.tls.frontend: one validation per port (a ClientTrafficPolicy may still override it).
      const withCa = onPort.find((ls) => ls.clientCa);
      if (withCa?.clientCa) {
        use({ backends: [], secrets: [withCa.clientCa] });
        l.tls.clientCaSecret = withCa.clientCa.name;
        if (withCa.clientCaFallback) l.tls.clientCertificateFallback = true;
      }
    }
    const byHost = new Map<string, HttpContribution[]>();
    for (const c of this.http) {
      if (!onPort.includes(c.listener)) continue;
      use(c.needs);
      const list = byHost.get(c.hostname) ?? [];
      list.push(c);
      byHost.set(c.hostname, list);
    }
    const hostnames = [...new Set([...byHost.keys(), ...isolatedHostnames(onPort)])].sort(compareHosts);
    l.virtualHosts = hostnames.map((host): VirtualHost => ({ name: host, domains: [host], routes: this.hostRoutes(host, onPort, byHost).map((r) => withRedirectPort(r, port)) }));
    return l;
  }

  /**
   * Routes for one virtual host. Envoy picks a single virtual host per request
   * and never falls through, so the host also carries the routes of broader
   * hostnames (`*.example.com`, `*`) — after its own, as Gateway API ranks the
   * most specific hostname first. Only the most specific listener covering the
   * host contributes: Gateway API hands a request to that listener alone.
   */
  private hostRoutes(host: string, onPort: ListenerState[], byHost: Map<string, HttpContribution[]>): Route[] {
    const owners = mostSpecificListeners(host, onPort);
    // Decorate-sort-undecorate: one string key per entry (host specificity, then precedence).
    const candidates: Array<{ e: RouteEntry; k: string }> = [];
    for (const [pattern, list] of byHost) {
      if (!hostCovers(pattern, host)) continue;
      const hostKey = hostSpecificityKey(pattern);
      for (const c of list) {
        if (!owners.includes(c.listener)) continue;
        for (const e of c.entries) candidates.push({ e, k: `${hostKey}${precedenceSortKey(e.key)}` });
      }
    }
    candidates.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    const seen = new Set<string>();
    const routes: Route[] = [];
    for (const { e } of candidates) {
      // A route reaches a host once, however many of its hostnames or listeners lead here.
      if (seen.has(e.route.name)) continue;
      seen.add(e.route.name);
      // Shared, not copied: one route may serve several hosts, listeners and groups, and
      // IR consumers never mutate it (copying every route dominated translation time).
      routes.push(e.route);
    }
    return routes;
  }

  private tcpListener(port: number, name: string, onPort: ListenerState[], use: (n: Needs) => void): TcpListener {
    const routes = new Map<string, TcpRoute>();
    for (const c of this.tcp) {
      if (!onPort.includes(c.listener)) continue;
      use(c.needs);
      const seen = routes.get(c.route.name);
      if (!seen) {
        routes.set(c.route.name, structuredClone(c.route));
      } else if (seen.sniHostnames && c.route.sniHostnames) {
        // The same TLSRoute through two listeners of this port: serve the union of their SNI names.
        for (const h of c.route.sniHostnames) if (!seen.sniHostnames.includes(h)) seen.sniHostnames.push(h);
      }
    }
    const l: TcpListener = { name, address: this.address, port, routes: [...routes.values()] };
    // TLS listeners in Terminate mode (their own family: see portFamilies).
    const certificates = onPort.filter(terminatesTls).flatMap((ls) => ls.certificates);
    if (certificates.length) {
      use({ backends: [], secrets: certificates.map((c) => c.secret) });
      l.tls = { certificates: certificates.map((c) => structuredClone(c.ref)) };
    }
    return l;
  }
}


/** Listeners of one port that become one IR listener. */
interface PortFamily {
  /** HTTP or HTTPS: an IR HttpListener; otherwise a TcpListener. */
  http: boolean;
  protocol: string;
  /** IR listener name, e.g. `https-443`, `tls-8443`. */
  name: string;
  listeners: ListenerState[];
}

/**
 * Splits a port's listeners by how they are served: HTTP(S), TLS Passthrough, TLS Terminate,
 * TCP. Only HTTPS and TLS mix on a port (listener-conflicts marks any other mix), each family
 * becoming its own IR listener on the same address and port, told apart by SNI. Names stay
 * `<protocol>-<port>`; TLS modes sharing a port are `tls-passthrough-<port>` and `tls-terminate-<port>`.
 */
function portFamilies(port: number, onPort: ListenerState[]): PortFamily[] {
  const families = new Map<string, PortFamily>();
  for (const l of onPort) {
    const key = l.protocol === 'TLS' ? (terminatesTls(l) ? 'terminate' : 'passthrough') : l.protocol;
    let f = families.get(key);
    if (!f) families.set(key, (f = { http: l.protocol === 'HTTP' || l.protocol === 'HTTPS', protocol: l.protocol, name: `${l.protocol.toLowerCase()}-${port}`, listeners: [] }));
    f.listeners.push(l);
  }
  const passthrough = families.get('passthrough');
  const terminate = families.get('terminate');
  if (passthrough && terminate) {
    passthrough.name = `tls-passthrough-${port}`;
    terminate.name = `tls-terminate-${port}`;
  }
  // HTTP(S) first, then TLS passthrough, TLS terminate, TCP: a stable order for goldens and dumps.
  const rank = (f: PortFamily) => (f.http ? 0 : f === passthrough ? 1 : f === terminate ? 2 : 3);
  return [...families.values()].sort((a, b) => rank(a) - rank(b));
}

/** Whether routes for `pattern` (`*`, `*.x`, or exact) also answer requests for `host`. */
function hostCovers(pattern: string, host: string): boolean {
  return pattern === '*' || pattern === host || hostnameMatches(pattern, host);
}

/** Gateway API: more characters of non-wildcard hostname first, then more characters of hostname (as a sortable prefix). */
function hostSpecificityKey(h: string): string {
  const exact = h.startsWith('*') ? 0 : h.length;
  const chars = h === '*' ? 0 : h.length;
  return `${String(9999 - exact).padStart(4, '0')}${String(9999 - chars).padStart(4, '0')}`;
}

/** The listeners of a port whose own hostname covers `host` most specifically (exact, then longest wildcard, then none). */
function mostSpecificListeners(host: string, listeners: ListenerState[]): ListenerState[] {
  const rank = (l: ListenerState) => {
    if (l.hostname === undefined) return 0;
    if (!hostCovers(l.hostname, host)) return -1;
    return l.hostname.startsWith('*') ? l.hostname.length : 10_000 + l.hostname.length;
  };
  const best = Math.max(...listeners.map(rank));
  return listeners.filter((l) => rank(l) === best);
}

/**
 * Hostnames of listeners that a broader listener of the same port also covers. Each gets a
 * virtual host even without routes of its own, so a request for it never falls through to the
 * broader listener's routes (Gateway API listener isolation: the most specific listener takes it).
 */
function isolatedHostnames(onPort: ListenerState[]): string[] {
  return onPort.flatMap((l) => {
    const h = l.hostname;
    if (h === undefined) return [];
    const broader = onPort.some((o) => o !== l && (o.hostname === undefined || (o.hostname !== h && hostnameMatches(o.hostname, h))));
    return broader ? [h] : [];
  });
}


/**
 * Gateway API: a redirect without a port goes to the scheme's well-known port when it
 * changes the scheme, else to the listener's port (the translator to Envoy drops the
 * well-known ports from Location, as the spec asks).
 */
function withRedirectPort(route: Route, listenerPort: number): Route {
  const action = route.action;
  if (action.kind !== 'redirect' || action.port !== undefined) return route;
  const port = action.scheme ? (action.scheme === 'https' ? 443 : 80) : listenerPort;
  return { ...route, action: { ...action, port } };
}
