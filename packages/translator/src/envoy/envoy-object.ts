// Shared shapes for the plain objects the translator builds (Envoy field names, snake_case).

/** A protobuf message in plain-object form, as `encodeResource` accepts it. */
export type EnvoyObject = Record<string, unknown>;

/**
 * Who reads a route configuration: a real Envoy, or a proxyless gRPC client
 * (@grpc/grpc-js-xds), which NACKs actions and filters it does not implement.
 */
export type RouteTarget = 'envoy' | 'proxyless';
