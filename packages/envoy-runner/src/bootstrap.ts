// Generates the Envoy v3 Bootstrap that points an Envoy at a Tidegate control plane over ADS.
import { isIP } from 'node:net';
import { duration, socketAddress, typed } from '@tidegate/envoy-api';

/** Name of the static cluster that carries the ADS stream. */
export const XDS_CLUSTER = 'xds_cluster';

export interface XdsTlsFiles {
  /** CA bundle that signed the control plane's certificate. */
  caFile: string;
  /** Client certificate and key Envoy presents (mutual TLS). */
  certFile: string;
  keyFile: string;
  /** Name the control plane's certificate must carry (DNS or IP SAN) and, for DNS names, the SNI; default: the xDS host. */
  serverName?: string;
}

export interface BootstrapOptions {
  /** `node.id`: unique per Envoy; the control plane keys streams by it. */
  nodeId: string;
  /** `node.cluster`: the proxy group this Envoy serves. */
  cluster: string;
  /** Extra `node.metadata` (a Struct). */
  nodeMetadata?: Record<string, unknown>;
  /** Control plane address. An IP literal makes a STATIC cluster, a name a STRICT_DNS one. */
  xds: { host: string; port: number; tls?: XdsTlsFiles };
  /** ADS flavour: state of the world (`GRPC`) or incremental (`DELTA_GRPC`). */
  protocol: 'sotw' | 'delta';
  /** Admin listener address (default 127.0.0.1: the admin API must not be reachable from outside). */
  adminAddress?: string;
  /** Admin port; 0 lets the kernel choose (learn it with `--admin-address-path`, as EnvoyProcess does). */
  adminPort: number;
  /**
   * How long Envoy waits for the first LDS/CDS response before it stops waiting and goes
   * LIVE without it (default 5 s). Envoy's own default is 15 s per type; 0 waits forever.
   */
  initialFetchTimeoutMs?: number;
  /** Limit on open downstream connections across all listeners (default 50 000). */
  maxDownstreamConnections?: number;
}

/**
 * Runtime values every Tidegate bootstrap sets (the `tidegate-defaults` static layer).
 * `re2.max_program_size.error_level`: Envoy's default of 100 refuses ordinary regexes such as
 * `[a-z]{200}`, and the control plane cannot compute RE2's program size; 2^20 (as Contour sets
 * it) is above RE2's own compile ceiling, so RE2's limits, which @tidegate/ir's `regexProblem`
 * checks with RE2 itself, are the only ones.
 */
export const TIDEGATE_RUNTIME: Readonly<Record<string, number>> = { 're2.max_program_size.error_level': 1_048_576 };

/** An Envoy v3 Bootstrap as a plain object in Envoy's snake_case field names. */
export type EnvoyBootstrap = Record<string, unknown>;

/** Builds the bootstrap: node identity, ADS dynamic resources, the xDS cluster, admin, runtime and limits. */
export function buildBootstrap(opts: BootstrapOptions): EnvoyBootstrap {
  const adsSource = {
    ads: {},
    resource_api_version: 'V3',
    initial_fetch_timeout: duration(opts.initialFetchTimeoutMs ?? 5000),
  };
  return {
    node: {
      id: opts.nodeId,
      cluster: opts.cluster,
      ...(opts.nodeMetadata ? { metadata: opts.nodeMetadata } : {}),
    },
    dynamic_resources: {
      ads_config: {
        api_type: opts.protocol === 'delta' ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        // Only the first request of a stream carries the node; the server remembers it per stream.
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER } }],
      },
      lds_config: adsSource,
      cds_config: adsSource,
    },
    static_resources: { clusters: [xdsCluster(opts.xds)] },
    admin: { address: socketAddress(opts.adminAddress ?? '127.0.0.1', opts.adminPort) },
    // A static layer for our defaults plus an admin layer so /runtime_modify works when debugging.
    layered_runtime: {
      layers: [
        { name: 'tidegate-defaults', static_layer: { ...TIDEGATE_RUNTIME } },
        { name: 'admin', admin_layer: {} },
      ],
    },
    // The resource monitor replaces the runtime key `overload.global_downstream_max_connections`,
    // which Envoy 1.40 still reads but logs as deprecated; without any limit it warns at start-up.
    overload_manager: {
      resource_monitors: [
        {
          name: 'envoy.resource_monitors.global_downstream_max_connections',
          typed_config: typed('envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig', {
            max_active_downstream_connections: opts.maxDownstreamConnections ?? 50_000,
          }),
        },
      ],
    },
  };
}

function xdsCluster(xds: BootstrapOptions['xds']): Record<string, unknown> {
  const isLiteral = isIP(xds.host) !== 0;
  return {
    name: XDS_CLUSTER,
    type: isLiteral ? 'STATIC' : 'STRICT_DNS',
    ...(isLiteral ? {} : { dns_lookup_family: 'V4_PREFERRED' }),
    connect_timeout: duration(1000),
    load_assignment: {
      cluster_name: XDS_CLUSTER,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(xds.host, xds.port) } }] }],
    },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', {
        explicit_http_config: {
          http2_protocol_options: {
            // gRPC needs HTTP/2; PINGs notice a control plane that vanished without closing the socket.
            connection_keepalive: { interval: duration(30_000), timeout: duration(5_000) },
          },
        },
      }),
    },
    upstream_connection_options: {
      tcp_keepalive: { keepalive_time: { value: 60 }, keepalive_interval: { value: 10 }, keepalive_probes: { value: 3 } },
    },
    ...(xds.tls ? { transport_socket: tlsTransportSocket(xds.host, xds.tls) } : {}),
  };
}

function tlsTransportSocket(host: string, tls: XdsTlsFiles): Record<string, unknown> {
  const name = tls.serverName ?? host;
  const nameIsIp = isIP(name) !== 0;
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: typed('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
      // SNI cannot carry an IP address; the certificate is still checked against it below.
      ...(nameIsIp ? {} : { sni: name }),
      common_tls_context: {
        alpn_protocols: ['h2'],
        tls_certificates: [{ certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } }],
        validation_context: {
          trusted_ca: { filename: tls.caFile },
          match_typed_subject_alt_names: [{ san_type: nameIsIp ? 'IP_ADDRESS' : 'DNS', matcher: { exact: name } }],
        },
      },
    }),
  };
}
