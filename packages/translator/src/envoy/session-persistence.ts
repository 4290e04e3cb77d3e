// Sticky sessions (IR Route.sessionPersistence): Envoy's stateful session filter with a cookie naming the endpoint.
import { duration, typed } from '@tidegate/envoy-api';
import { sessionPersistenceCheck, type HttpListener, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

/**
 * The stateful session filter, disabled in the listener's chain and switched on by the routes
 * that keep sessions (each with its own cookie). Not strict: when the cookie's endpoint is gone
 * the load balancer picks another and the cookie is replaced.
 */
export function sessionPersistenceFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'sessionPersistence', (r) => !!r.sessionPersistence && r.action.kind === 'forward')) return [];
  return [perRouteFilter(FilterName.StatefulSession, ConfigType.StatefulSession, {})];
}

/** `typed_per_filter_config` entry with the route's session cookie. */
export function sessionPersistencePerFilterConfig(r: Route): EnvoyObject | undefined {
  const session = r.sessionPersistence;
  if (!session || r.action.kind !== 'forward') return undefined;
  const cookie: EnvoyObject = { name: session.cookie.name };
  if (session.cookie.ttlMs !== undefined) cookie.ttl = duration(session.cookie.ttlMs);
  if (session.cookie.path !== undefined) cookie.path = session.cookie.path;
  const state = { name: FilterName.CookieSessionState, typed_config: typed(ConfigType.CookieSessionState, { cookie }) };
  return { [FilterName.StatefulSession]: enabledOnRoute(ConfigType.StatefulSessionPerRoute, { stateful_session: { session_state: state } }) };
}

/** The session-persistence feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const sessionPersistenceFeature: HttpFeature = {
  name: 'session-persistence',
  phase: 'upstream',
  listenerFilters: sessionPersistenceFilters,
  perRoute: sessionPersistencePerFilterConfig,
  perVirtualHost: { none: 'sessions are set per route' },
  validation: sessionPersistenceCheck,
  references: { none: 'the cookie names the endpoint: no cluster or secret' },
  goldenCases: ['session-persistence'],
};
