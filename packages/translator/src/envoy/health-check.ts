// Active HTTP health checks.
import { duration } from '@tidegate/envoy-api';
import type { Backend } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { usesHttp2 } from './upstream-protocol';

/** Healthy statuses when none are given (Envoy's own default is 200 only). */
const DEFAULT_EXPECTED: Array<[number, number]> = [[200, 399]];

/** Cluster fields: `health_checks` with one HTTP check. */
export function healthCheckFields(b: Backend): EnvoyObject {
  const hc = b.healthCheck;
  if (!hc) return {};
  const http: EnvoyObject = { path: hc.path };
  if (hc.host) http.host = hc.host;
  // The IR's ranges are inclusive; Envoy's Int64Range end is exclusive.
  http.expected_statuses = (hc.expectedStatuses ?? DEFAULT_EXPECTED).map(([start, end]) => ({ start, end: end + 1 }));
  if (usesHttp2(b)) http.codec_client_type = 'HTTP2';
  return {
    health_checks: [
      {
        timeout: duration(hc.timeoutMs),
        interval: duration(hc.intervalMs),
        unhealthy_threshold: { value: hc.unhealthyThreshold },
        healthy_threshold: { value: hc.healthyThreshold },
        http_health_check: http,
      },
    ],
  };
}
