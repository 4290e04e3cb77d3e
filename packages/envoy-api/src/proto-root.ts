// The one module that loads Envoy's protos, from the tree @grpc/grpc-js-xds ships.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { EXTRA_PROTOS } from './extra-protos';

/** Entry files; their imports are loaded transitively. Add a file when a new feature needs it. */
const ENTRY_PROTOS = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/cluster/v3/cds.proto',
  'envoy/service/listener/v3/lds.proto',
  'envoy/service/route/v3/rds.proto',
  'envoy/service/route/v3/srds.proto',
  'envoy/service/endpoint/v3/eds.proto',
  'envoy/service/secret/v3/sds.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/admin/v3/config_dump.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/connection_limit/v3/connection_limit.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/compressor/v3/compressor.proto',
  'envoy/extensions/compression/gzip/compressor/v3/gzip.proto',
  'envoy/extensions/compression/brotli/compressor/v3/brotli.proto',
  'envoy/extensions/filters/http/buffer/v3/buffer.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/basic_auth/v3/basic_auth.proto',
  'envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/custom_response/v3/custom_response.proto',
  'envoy/extensions/filters/http/grpc_json_transcoder/v3/transcoder.proto',
  'envoy/extensions/filters/http/health_check/v3/health_check.proto',
  'envoy/extensions/filters/http/header_mutation/v3/header_mutation.proto',
  'envoy/extensions/filters/http/wasm/v3/wasm.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/stateful_session/v3/stateful_session.proto',
  'envoy/extensions/http/stateful_session/cookie/v3/cookie.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/proxy_protocol/v3/proxy_protocol.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/http/original_ip_detection/xff/v3/xff.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/random/v3/random.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/internal_redirect/previous_routes/v3/previous_routes_config.proto',
  'envoy/extensions/internal_redirect/allow_listed_routes/v3/allow_listed_routes_config.proto',
  'envoy/extensions/http/custom_response/local_response_policy/v3/local_response_policy.proto',
  'envoy/extensions/http/custom_response/redirect_policy/v3/redirect_policy.proto',
  'envoy/extensions/regex_engines/v3/google_re2.proto',
  'envoy/type/matcher/v3/http_inputs.proto',
  'envoy/type/matcher/v3/status_code_input.proto',
  'envoy/extensions/resource_monitors/downstream_connections/v3/downstream_connections.proto',
];

/** Folder of the proto tree shipped by @grpc/grpc-js-xds (envoy-api, xds, googleapis, validate). */
export function protoIncludeDirs(): string[] {
  const xdsDeps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  return [
    ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(xdsDeps, d)),
    // google/protobuf/descriptor.proto and friends ship with protobufjs itself.
    path.dirname(require.resolve('protobufjs/package.json')),
  ];
}

let cached: protobuf.Root | undefined;

/** The loaded, resolved root. Field names keep Envoy's snake_case, as in its YAML docs. */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(ENTRY_PROTOS, { keepCase: true });
  for (const source of Object.values(EXTRA_PROTOS)) protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

const typesByName = new Map<string, protobuf.Type>();

/** Looks up a message type by its full name (without the type URL prefix); throws if unknown. */
export function messageType(fullName: string): protobuf.Type {
  let type = typesByName.get(fullName);
  if (!type) {
    type = envoyRoot().lookupType(fullName);
    typesByName.set(fullName, type);
  }
  return type;
}

/** The message type a type URL names, or undefined when the loaded protos lack it. */
export function typeForUrl(typeUrl: string): protobuf.Type | undefined {
  try {
    return messageType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  } catch {
    return undefined;
  }
}
