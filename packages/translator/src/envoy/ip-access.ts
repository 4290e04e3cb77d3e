// Client IP allow and deny lists per route, enforced by the RBAC filter (403 otherwise).
import { isIP } from 'node:net';
import { ipAccessCheck, type HttpListener, type IpAccess, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

const hasRules = (a: IpAccess | undefined): a is IpAccess => Boolean(a?.allow?.length || a?.deny?.length);

/** The RBAC filter, present (and disabled by default) when some route of the listener has IP rules. */
export function ipAccessFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'ipAccess', (r) => hasRules(r.ipAccess))) return [];
  // No `rules` in the listener-wide config: on its own the filter enforces nothing.
  return [perRouteFilter(FilterName.Rbac, ConfigType.Rbac, {})];
}

/**
 * One ALLOW policy per route: the client must be in `allow` (when it is non-empty) and not in
 * `deny`, so deny wins. `remote_ip` is the client address Envoy settled on after
 * X-Forwarded-For processing (`xffNumTrustedHops`), not the peer of the TCP connection.
 */
export function ipAccessPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (!hasRules(r.ipAccess)) return undefined;
  const conditions: EnvoyObject[] = [];
  if (r.ipAccess.allow?.length) conditions.push(anyOf(r.ipAccess.allow));
  if (r.ipAccess.deny?.length) conditions.push({ not_id: anyOf(r.ipAccess.deny) });
  const principal = conditions.length === 1 ? conditions[0]! : { and_ids: { ids: conditions } };
  const rules = { action: 'ALLOW', policies: { 'ip-access': { permissions: [{ any: true }], principals: [principal] } } };
  return { [FilterName.Rbac]: enabledOnRoute(ConfigType.RbacPerRoute, { rbac: { rules } }) };
}

function anyOf(cidrs: string[]): EnvoyObject {
  return { or_ids: { ids: cidrs.map((c) => ({ remote_ip: cidrRange(c) })) } };
}

/** A `CidrRange`; a single address is a full-length prefix. */
export function cidrRange(value: string): EnvoyObject {
  const [address = '', bits] = value.split('/');
  const length = bits === undefined ? (isIP(address) === 6 ? 128 : 32) : Number(bits);
  return { address_prefix: address, prefix_len: { value: length } };
}

/** The ip-access feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const ipAccessFeature: HttpFeature = {
  name: 'ip-access',
  phase: 'client-ip',
  listenerFilters: ipAccessFilters,
  perRoute: ipAccessPerFilterConfig,
  perVirtualHost: { none: 'IP lists are set per route' },
  validation: ipAccessCheck,
  references: { none: 'CIDR ranges only: no cluster or secret' },
  goldenCases: ['ip-access'],
};
