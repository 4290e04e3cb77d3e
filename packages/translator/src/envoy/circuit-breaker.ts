// Circuit breakers: caps on connections, pending requests, requests and retries to a backend.
import type { Backend } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

/** Cluster fields: one DEFAULT-priority threshold with the limits that are set. */
export function circuitBreakerFields(b: Backend): EnvoyObject {
  const cb = b.circuitBreaker;
  if (!cb) return {};
  const threshold: EnvoyObject = { priority: 'DEFAULT' };
  if (cb.maxConnections !== undefined) threshold.max_connections = { value: cb.maxConnections };
  if (cb.maxPendingRequests !== undefined) threshold.max_pending_requests = { value: cb.maxPendingRequests };
  if (cb.maxRequests !== undefined) threshold.max_requests = { value: cb.maxRequests };
  if (cb.maxRetries !== undefined) threshold.max_retries = { value: cb.maxRetries };
  return { circuit_breakers: { thresholds: [threshold] } };
}
