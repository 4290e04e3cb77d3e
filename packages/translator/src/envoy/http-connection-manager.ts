// The HttpConnectionManager of an HTTP listener: codec, RDS, filters, timeouts, path handling, logs.
import { duration, typed } from '@tidegate/envoy-api';
import type { HttpListener, ListenerTimeouts } from '@tidegate/ir';
import { accessLogs } from './access-log';
import { clientAddressFields } from './client-ip';
import { adsConfigSource } from './config-source';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import { httpFilters } from './http-filters';
import { scopedRoutesField } from './scoped-routes';

/**
 * The network filter running the HCM; its routes come by RDS under the listener's name or,
 * when `scoped`, as one route configuration per host chosen by scoped RDS (scoped-routes.ts).
 */
export function httpConnectionManagerFilter(l: HttpListener, scoped = false): EnvoyObject {
  const { filters, upgradeFilters } = httpFilters(l);
  const websocket: EnvoyObject = { upgrade_type: 'websocket' };
  if (upgradeFilters) websocket.filters = upgradeFilters;
  const hcm: EnvoyObject = {
    stat_prefix: l.name,
    // AUTO serves HTTP/1.1 and HTTP/2 (h2c prior knowledge, or ALPN h2 with TLS) on one port.
    codec_type: l.http2 === false ? 'HTTP1' : 'AUTO',
    ...(scoped ? { scoped_routes: scopedRoutesField(l.name) } : { rds: { route_config_name: l.name, config_source: adsConfigSource() } }),
    http_filters: filters,
    ...clientAddressFields(l),
    normalize_path: { value: true },
    merge_slashes: false,
    // Rewriting %2F changes what backends see; leave it as the client sent it.
    path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
    server_header_transformation: 'PASS_THROUGH',
    upgrade_configs: [websocket],
    ...timeoutFields(l.timeouts),
  };
  const logs = accessLogs(l.accessLog);
  if (logs) hcm.access_log = logs;
  return { name: FilterName.HttpConnectionManager, typed_config: typed(ConfigType.HttpConnectionManager, hcm) };
}

function timeoutFields(t: ListenerTimeouts | undefined): EnvoyObject {
  const out: EnvoyObject = {};
  if (t?.idleMs !== undefined) out.common_http_protocol_options = { idle_timeout: duration(t.idleMs) };
  if (t?.streamIdleMs !== undefined) out.stream_idle_timeout = duration(t.streamIdleMs);
  if (t?.requestHeadersMs !== undefined) out.request_headers_timeout = duration(t.requestHeadersMs);
  return out;
}
