// The HTTP filter chain of a listener: each feature contributes its filters; the router is last.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { bodyLimitFilters } from './body-limit';
import { compressionFilters } from './compression';
import { corsFilters } from './cors';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';

/** One filter a feature wants in the chain. */
export interface HttpFilterPart {
  filter: EnvoyObject;
  /** Leave it out of WebSocket (upgraded) streams, e.g. a filter that waits for the end of the body. */
  skipOnUpgrade?: boolean;
}

/** Contributors in chain order: CORS answers preflights first, then limits, then response encoding. */
const SOURCES: ReadonlyArray<(l: HttpListener) => HttpFilterPart[]> = [corsFilters, bodyLimitFilters, compressionFilters];

export const routerFilter = (): EnvoyObject => ({ name: FilterName.Router, typed_config: typed(ConfigType.Router, {}) });

/** The listener's `http_filters`, and the chain for WebSocket upgrades when it must differ. */
export function httpFilters(l: HttpListener): { filters: EnvoyObject[]; upgradeFilters?: EnvoyObject[] } {
  const parts = SOURCES.flatMap((source) => source(l));
  const filters = [...parts.map((p) => p.filter), routerFilter()];
  if (!parts.some((p) => p.skipOnUpgrade)) return { filters };
  return { filters, upgradeFilters: [...parts.filter((p) => !p.skipOnUpgrade).map((p) => p.filter), routerFilter()] };
}
