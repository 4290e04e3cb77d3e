// The HTTP version spoken to a backend: HTTP/2 for `http2` and `grpc`, Envoy's HTTP/1.1 default otherwise.
import { typed } from '@tidegate/envoy-api';
import type { Backend } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType } from './filter-names';

/** Cluster fields: `typed_extension_protocol_options` with explicit HTTP/2 when needed. */
export function upstreamProtocolFields(b: Backend): EnvoyObject {
  if (b.protocol !== 'http2' && b.protocol !== 'grpc') return {};
  return {
    typed_extension_protocol_options: {
      [ConfigType.HttpProtocolOptions]: typed(ConfigType.HttpProtocolOptions, {
        explicit_http_config: { http2_protocol_options: {} },
      }),
    },
  };
}

/** Whether the backend speaks HTTP/2 (health checks must use the same codec). */
export const usesHttp2 = (b: Backend): boolean => b.protocol === 'http2' || b.protocol === 'grpc';
