// Names given to Envoy filters and transport sockets. Envoy picks the implementation by the
// typed_config type URL; the name matters for typed_per_filter_config keys and for reading dumps.

export const FilterName = {
  HttpConnectionManager: 'envoy.filters.network.http_connection_manager',
  TcpProxy: 'envoy.filters.network.tcp_proxy',
  TlsInspector: 'envoy.filters.listener.tls_inspector',
  ProxyProtocol: 'envoy.filters.listener.proxy_protocol',
  Router: 'envoy.filters.http.router',
  Cors: 'envoy.filters.http.cors',
  Buffer: 'envoy.filters.http.buffer',
  Compressor: 'envoy.filters.http.compressor',
  FileAccessLog: 'envoy.access_loggers.file',
  StdoutAccessLog: 'envoy.access_loggers.stdout',
  TlsTransportSocket: 'envoy.transport_sockets.tls',
} as const;

/** Full protobuf names of the typed configs the translator writes. */
export const ConfigType = {
  HttpConnectionManager: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  TcpProxy: 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  TlsInspector: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  ProxyProtocol: 'envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol',
  Router: 'envoy.extensions.filters.http.router.v3.Router',
  Cors: 'envoy.extensions.filters.http.cors.v3.Cors',
  CorsPolicy: 'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  Buffer: 'envoy.extensions.filters.http.buffer.v3.Buffer',
  Compressor: 'envoy.extensions.filters.http.compressor.v3.Compressor',
  Gzip: 'envoy.extensions.compression.gzip.compressor.v3.Gzip',
  Brotli: 'envoy.extensions.compression.brotli.compressor.v3.Brotli',
  FileAccessLog: 'envoy.extensions.access_loggers.file.v3.FileAccessLog',
  StdoutAccessLog: 'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  DownstreamTlsContext: 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  UpstreamTlsContext: 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  HttpProtocolOptions: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
} as const;
