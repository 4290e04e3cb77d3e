// Response compression (gzip, brotli), opt-in per listener.
import { typed } from '@tidegate/envoy-api';
import type { HttpListener } from '@tidegate/ir';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';

const LIBRARY = {
  gzip: { name: 'envoy.compression.gzip.compressor', type: ConfigType.Gzip },
  brotli: { name: 'envoy.compression.brotli.compressor', type: ConfigType.Brotli },
} as const;

/**
 * One compressor filter per algorithm. When a client accepts several with equal q-values
 * the first listed wins (`choose_first`).
 */
export function compressionFilters(l: HttpListener): HttpFilterPart[] {
  const kinds = [...new Set(l.compression ?? [])];
  return kinds.map((kind, i) => {
    const lib = LIBRARY[kind];
    const config: Record<string, unknown> = { compressor_library: { name: lib.name, typed_config: typed(lib.type, {}) } };
    if (i === 0 && kinds.length > 1) config.choose_first = true;
    return { filter: { name: `${FilterName.Compressor}.${kind}`, typed_config: typed(ConfigType.Compressor, config) } };
  });
}

/** The compression feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const compressionFeature: HttpFeature = {
  name: 'compression',
  phase: 'encoding',
  listenerFilters: compressionFilters,
  perRoute: { none: 'compression is set per listener' },
  perVirtualHost: { none: 'compression is set per listener' },
  validation: { none: 'the IR type admits only gzip and brotli' },
  references: { none: 'no cluster or secret' },
  goldenCases: ['compression'],
};
