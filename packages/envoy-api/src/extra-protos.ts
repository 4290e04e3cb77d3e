// Envoy protos that Envoy 1.40 has but the tree @grpc/grpc-js-xds ships lacks, written out from Envoy's API (names and field numbers only).

/**
 * Each entry is the proto source of one Envoy API file, reduced to its messages (no options or
 * annotations, which change nothing on the wire). A file belongs here only while the shipped
 * tree lacks it. Real Envoy checks the names (golden cases, envoy-validate.test.ts) and, over
 * xDS where configs travel as protobuf, the field numbers (e2e/gateway-api-key.test.ts).
 */
export const EXTRA_PROTOS: Readonly<Record<string, string>> = {
  // Envoy's API-key filter (envoy.filters.http.api_key_auth, since 1.32).
  'envoy/extensions/filters/http/api_key_auth/v3/api_key_auth.proto': `
syntax = "proto3";
package envoy.extensions.filters.http.api_key_auth.v3;

message ApiKeyAuth {
  repeated Credential credentials = 1;
  repeated KeySource key_sources = 2;
  Forwarding forwarding = 3;
}

message ApiKeyAuthPerRoute {
  repeated Credential credentials = 1;
  repeated KeySource key_sources = 2;
  repeated string allowed_clients = 3;
  Forwarding forwarding = 4;
}

message Credential {
  string key = 1;
  string client = 2;
}

message KeySource {
  string header = 1;
  string query = 2;
  string cookie = 3;
}

message Forwarding {
  string header = 1;
  bool hide_credentials = 2;
}
`,
};
