// RetryPolicy: conditions, attempts, retriable status codes, per-try timeout and back-off.
import { duration } from '@tidegate/envoy-api';
import type { RetryPolicy } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';

/** Builds a `RetryPolicy`, or nothing when it would never retry. */
export function retryPolicy(p: RetryPolicy | undefined, target: RouteTarget): EnvoyObject | undefined {
  if (!p) return undefined;
  const on = new Set(p.on);
  // Status codes only count when this condition is on; asking for codes implies it.
  if (p.statusCodes?.length) on.add('retriable-status-codes');
  if (on.size === 0) return undefined;
  // gRPC clients reject num_retries < 1; for them "no retries" is no policy.
  if (target === 'proxyless' && p.attempts < 1) return undefined;
  const out: EnvoyObject = { retry_on: [...on].join(','), num_retries: { value: p.attempts } };
  if (p.perTryTimeoutMs) out.per_try_timeout = duration(p.perTryTimeoutMs);
  if (p.statusCodes?.length) out.retriable_status_codes = [...p.statusCodes];
  if (p.backoffBaseMs) out.retry_back_off = { base_interval: duration(p.backoffBaseMs) };
  return out;
}
