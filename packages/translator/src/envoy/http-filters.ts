// The HTTP filter chain of a listener: each feature contributes its filters; the router is last.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { basicAuthFilters } from './basic-auth';
import { bodyLimitFilters } from './body-limit';
import { compressionFilters } from './compression';
import { corsFilters } from './cors';
import { customErrorFilters } from './custom-errors';
import type { EnvoyObject } from './envoy-object';
import { externalAuthFilters } from './external-auth';
import { ConfigType, FilterName } from './filter-names';
import { grpcJsonTranscoderFilters } from './grpc-json-transcoder';
import { ipAccessFilters } from './ip-access';
import { rateLimitFilters } from './rate-limit';
import { sessionPersistenceFilters } from './session-persistence';

/** One filter a feature wants in the chain. */
export interface HttpFilterPart {
  filter: EnvoyObject;
  /** Leave it out of WebSocket (upgraded) streams, e.g. a filter that waits for the end of the body. */
  skipOnUpgrade?: boolean;
}

/**
 * Contributors in chain order. Custom error pages come first so that, on the way back, they
 * see every answer, local replies of later filters included. CORS answers preflights before
 * any check. Then the checks in ingress-nginx's order (rate limit, client IP, basic auth,
 * external auth), the body limit once the request is admitted, sticky sessions, and response encoding. The
 * gRPC-JSON transcoder sits last, next to the router: everything before it sees the client's
 * HTTP/JSON request, and on the way back the compressor gets the JSON reply, not gRPC frames.
 */
const SOURCES: ReadonlyArray<(l: HttpListener) => HttpFilterPart[]> = [
  customErrorFilters,
  corsFilters,
  rateLimitFilters,
  ipAccessFilters,
  basicAuthFilters,
  externalAuthFilters,
  bodyLimitFilters,
  sessionPersistenceFilters,
  compressionFilters,
  grpcJsonTranscoderFilters,
];

export const routerFilter = (): EnvoyObject => ({ name: FilterName.Router, typed_config: typed(ConfigType.Router, {}) });

/** The listener's `http_filters`, and the chain for WebSocket upgrades when it must differ. */
export function httpFilters(l: HttpListener): { filters: EnvoyObject[]; upgradeFilters?: EnvoyObject[] } {
  const parts = SOURCES.flatMap((source) => source(l));
  const filters = [...parts.map((p) => p.filter), routerFilter()];
  if (!parts.some((p) => p.skipOnUpgrade)) return { filters };
  return { filters, upgradeFilters: [...parts.filter((p) => !p.skipOnUpgrade).map((p) => p.filter), routerFilter()] };
}
