// Request body size limit (413 above it) via the buffer filter, only where configured.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFilterPart } from './http-filters';

const UINT32_MAX = 0xffffffff;

/**
 * The buffer filter holds the whole body before forwarding, so it is added only when a
 * limit is set: without one, large uploads stream straight through. WebSocket streams
 * never end, so they skip it.
 */
export function bodyLimitFilters(l: HttpListener): HttpFilterPart[] {
  if (l.maxRequestBodyBytes === undefined) return [];
  // Envoy needs 1..2^32-1; a limit of 0 still lets an empty body through, as 1 does.
  const limit = Math.min(Math.max(1, Math.floor(l.maxRequestBodyBytes)), UINT32_MAX);
  return [
    {
      filter: { name: FilterName.Buffer, typed_config: typed(ConfigType.Buffer, { max_request_bytes: { value: limit } }) },
      skipOnUpgrade: true,
    },
  ];
}
