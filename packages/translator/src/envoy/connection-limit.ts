// A cap on open downstream connections, by the connection_limit network filter ahead of the HCM.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';

/**
 * Network filters to run before the HCM. A connection over the limit is closed at once. Envoy
 * counts per filter chain, so a TLS listener with one chain per certificate allows the limit
 * on each chain. A limit below 1 is treated as no limit (Envoy requires at least 1).
 */
export function connectionLimitFilters(l: HttpListener): EnvoyObject[] {
  if (l.connectionLimit === undefined || l.connectionLimit < 1) return [];
  const config = { stat_prefix: l.name, max_connections: { value: Math.floor(l.connectionLimit) } };
  return [{ name: FilterName.ConnectionLimit, typed_config: typed(ConfigType.ConnectionLimit, config) }];
}
