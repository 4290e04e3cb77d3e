// gRPC-JSON transcoding per route: HTTP/JSON clients call a route's gRPC backends through Envoy's transcoder.
import { grpcJsonTranscoderCheck, type GrpcJsonTranscoder, type HttpListener, type Route } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

/**
 * The listener-wide config is never used (the filter is disabled there and each route brings
 * its own), but the descriptor is required: an empty set, and no services, which Envoy reads
 * as "transcoding off".
 */
const PLACEHOLDER: EnvoyObject = { proto_descriptor_bin: '', services: [] };

/** The transcoder, present (disabled by default) when some route of the listener transcodes. */
export function grpcJsonTranscoderFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'grpcJsonTranscoder', (r) => !!r.grpcJsonTranscoder)) return [];
  return [perRouteFilter(FilterName.GrpcJsonTranscoder, ConfigType.GrpcJsonTranscoder, PLACEHOLDER)];
}

/** Switches the transcoder on for a forwarding route, with that route's descriptors and services. */
export function grpcJsonTranscoderPerFilterConfig(r: Route): EnvoyObject | undefined {
  if (!r.grpcJsonTranscoder || r.action.kind !== 'forward') return undefined;
  return { [FilterName.GrpcJsonTranscoder]: enabledOnRoute(ConfigType.GrpcJsonTranscoder, transcoderConfig(r.grpcJsonTranscoder)) };
}

function transcoderConfig(t: GrpcJsonTranscoder): EnvoyObject {
  const config: EnvoyObject = {
    proto_descriptor_bin: t.descriptorSet,
    services: t.services,
    auto_mapping: t.autoMapping !== false,
    // The route that took the JSON request also forwards the gRPC call; without this Envoy would
    // pick a route again for the rewritten `/<service>/<method>` path, which a REST-style
    // (google.api.http) path's route need not match.
    match_incoming_request_route: true,
  };
  if (t.convertGrpcStatus) config.convert_grpc_status = true;
  const p = t.printOptions;
  if (p && Object.values(p).some(Boolean)) {
    const print: EnvoyObject = {};
    if (p.addWhitespace) print.add_whitespace = true;
    if (p.alwaysPrintPrimitiveFields) print.always_print_primitive_fields = true;
    if (p.alwaysPrintEnumsAsInts) print.always_print_enums_as_ints = true;
    if (p.preserveProtoFieldNames) print.preserve_proto_field_names = true;
    config.print_options = print;
  }
  return config;
}

/** The grpc-json-transcoder feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const grpcJsonTranscoderFeature: HttpFeature = {
  name: 'grpc-json-transcoder',
  phase: 'transform',
  listenerFilters: grpcJsonTranscoderFilters,
  perRoute: grpcJsonTranscoderPerFilterConfig,
  perVirtualHost: { none: 'transcoding is set per route' },
  validation: grpcJsonTranscoderCheck,
  references: { none: 'the descriptor set is inline: no cluster or secret' },
  goldenCases: ['grpc-json-transcoder'],
};
