// Access logs written by Envoy to stdout or a file, as JSON or Envoy's default text line.
import { typed } from '@tidegate/envoy-api';
import type { AccessLog } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';

/** Fields of a JSON access log line. */
const JSON_FIELDS: Record<string, string> = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration_ms: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  client_address: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  route_name: '%ROUTE_NAME%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_host: '%UPSTREAM_HOST%',
};

/**
 * A google.protobuf.Struct of strings, in the message form protobufjs encodes. Its
 * well-known types keep protobufjs' camelCase names (`stringValue`), unlike Envoy's
 * own messages, which are loaded with snake_case.
 */
function stringStruct(fields: Record<string, string>): EnvoyObject {
  return { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { stringValue: v }])) };
}

/**
 * The HCM `access_log` list. `stdout` (and a file path of /dev/stdout or /dev/stderr) uses
 * Envoy's stream loggers rather than a file: when Envoy's stdout is a socket (Node's
 * `stdio: 'pipe'`, as for the bundled Envoy), opening /dev/stdout fails with ENXIO and
 * Envoy rejects the listener.
 */
export function accessLogs(log: AccessLog | undefined): EnvoyObject[] | undefined {
  if (!log) return undefined;
  // Without log_format Envoy writes its default text line.
  const format: EnvoyObject = log.format === 'json' ? { log_format: { json_format: stringStruct(JSON_FIELDS) } } : {};
  if (log.path === 'stdout' || log.path === '/dev/stdout') {
    return [{ name: FilterName.StdoutAccessLog, typed_config: typed(ConfigType.StdoutAccessLog, format) }];
  }
  if (log.path === '/dev/stderr') {
    return [{ name: FilterName.StderrAccessLog, typed_config: typed(ConfigType.StderrAccessLog, format) }];
  }
  return [{ name: FilterName.FileAccessLog, typed_config: typed(ConfigType.FileAccessLog, { path: log.path, ...format }) }];
}
