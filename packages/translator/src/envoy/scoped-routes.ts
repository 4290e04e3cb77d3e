// Host-scoped routing (Envoy's scoped RDS) for the largest HTTP listener of a proxy group.
//
// Why: Envoy rebuilds a whole RouteConfiguration whenever any part of it changes. At 2,000
// hosts and 20,000 routes that takes it 200-300 ms on two cores, for a one-line change. With
// scopes, each virtual host is its own RouteConfiguration, picked per request by the Host
// header (port stripped), so a change to one host rebuilds that host's routes alone.
//
// When: scopes match the Host exactly; they have no wildcard and no fallback. A listener is
// scoped only when every domain it serves is an exact lower-case host name. And only one
// listener per proxy: Envoy hands every scope it receives to every scoped listener, so two
// listeners serving the same host would collide (Envoy rejects the update).
import type { HttpListener, VirtualHost } from '@tidegate/ir';
import { adsConfigSource } from './config-source';
import type { EnvoyObject } from './envoy-object';
import { routeConfiguration } from './route-config';

/** Listeners with fewer virtual hosts than this keep one RouteConfiguration (0 turns scoping off). */
export const DEFAULT_SCOPED_ROUTES_MIN_HOSTS = 100;

/** Lower-case DNS name: what a scope key can match byte for byte. */
const EXACT_HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The listener to serve with host scopes, or undefined when none qualifies. */
export function scopedListenerName(listeners: HttpListener[], minHosts: number): string | undefined {
  if (minHosts <= 0) return undefined;
  let best: HttpListener | undefined;
  for (const l of listeners) {
    if (l.virtualHosts.length < minHosts || !hasOnlyExactHosts(l.virtualHosts)) continue;
    if (!best || l.virtualHosts.length > best.virtualHosts.length) best = l;
  }
  return best?.name;
}

function hasOnlyExactHosts(vhosts: VirtualHost[]): boolean {
  const seen = new Set<string>();
  for (const vh of vhosts) {
    for (const d of vh.domains) {
      if (!EXACT_HOST.test(d) || seen.has(d)) return false;
      seen.add(d);
    }
  }
  return true;
}

/** The HCM's `scoped_routes`: scopes and their route configurations both come over ADS. */
export function scopedRoutesField(listenerName: string): EnvoyObject {
  return {
    name: listenerName,
    // `Host: name:port` → `name`; route configurations ignore the port as the unscoped one does.
    scope_key_builder: { fragments: [{ header_value_extractor: { name: ':authority', element_separator: ':', index: 0 } }] },
    rds_config_source: adsConfigSource(),
    scoped_rds: { scoped_rds_config_source: adsConfigSource() },
  };
}

/** Name of the route configuration holding one virtual host of a scoped listener. */
export const hostRouteConfigName = (listenerName: string, vh: VirtualHost): string => `${listenerName}/${vh.name}`;

export interface ScopedRoutes {
  routeConfigurations: EnvoyObject[];
  scopes: EnvoyObject[];
}

/**
 * One RouteConfiguration per virtual host and one scope per domain pointing at it. Both are
 * built once per IR virtual host (unchanged hosts come back as the same objects), so the
 * encoder sees the same objects and skips them.
 */
export function scopedRoutes(l: HttpListener): ScopedRoutes {
  const out: ScopedRoutes = { routeConfigurations: [], scopes: [] };
  for (const vh of l.virtualHosts) {
    const host = hostRoutesOnce(l.name, vh);
    out.routeConfigurations.push(host.routeConfiguration);
    out.scopes.push(...host.scopes);
  }
  return out;
}

interface HostRoutes {
  routeConfiguration: EnvoyObject;
  scopes: EnvoyObject[];
}

const built = new WeakMap<VirtualHost, Map<string, HostRoutes>>();

function hostRoutesOnce(listenerName: string, vh: VirtualHost): HostRoutes {
  let byListener = built.get(vh);
  if (!byListener) built.set(vh, (byListener = new Map()));
  let out = byListener.get(listenerName);
  if (!out) {
    const name = hostRouteConfigName(listenerName, vh);
    out = {
      routeConfiguration: routeConfiguration(name, [vh], 'envoy'),
      scopes: vh.domains.map((domain) => ({
        name: `${listenerName}/${domain}`,
        route_configuration_name: name,
        key: { fragments: [{ string_key: domain }] },
      })),
    };
    byListener.set(listenerName, out);
  }
  return out;
}
