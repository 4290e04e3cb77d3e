// The HTTP filter chain of a listener: each registered feature contributes its filters in phase order; the router is last.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import { CHAIN_ORDER } from './http-feature-registry';

export const routerFilter = (): EnvoyObject => ({ name: FilterName.Router, typed_config: typed(ConfigType.Router, {}) });

/** The listener's `http_filters`, and the chain for WebSocket upgrades when it must differ. */
export function httpFilters(l: HttpListener): { filters: EnvoyObject[]; upgradeFilters?: EnvoyObject[] } {
  const parts = CHAIN_ORDER.flatMap((feature) => feature.listenerFilters(l));
  const filters = [...parts.map((p) => p.filter), routerFilter()];
  if (!parts.some((p) => p.skipOnUpgrade)) return { filters };
  return { filters, upgradeFilters: [...parts.filter((p) => !p.skipOnUpgrade).map((p) => p.filter), routerFilter()] };
}
