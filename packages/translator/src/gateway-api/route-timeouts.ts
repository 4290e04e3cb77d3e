// HTTPRoute rule timeouts (request, backendRequest) and the experimental retry stanza as IR settings.
import type { RetryPolicy, Route } from '@tidegate/ir';
import type { HttpRouteRuleSpec } from './http-route-schema';

/** Envoy retry conditions for "connection errors", which Gateway API says a retry stanza always covers. */
const CONNECTION_ERRORS = ['connect-failure', 'refused-stream', 'reset'];

/** Timeout and retry settings of a forwarding route. */
export function timeoutsAndRetry(rule: HttpRouteRuleSpec): Pick<Route, 'timeoutMs' | 'retry'> {
  const out: Pick<Route, 'timeoutMs' | 'retry'> = {};
  const { request, backendRequest } = rule.timeouts ?? {};
  const r = rule.retry;
  const retrying = r !== undefined && r.attempts !== 0;
  if (retrying) {
    const retry: RetryPolicy = { attempts: r.attempts ?? 1, on: [...CONNECTION_ERRORS] };
    if (r.codes?.length) {
      retry.on.push('retriable-status-codes');
      retry.statusCodes = [...r.codes];
    }
    if (r.backoff !== undefined) retry.backoffBaseMs = r.backoff;
    // backendRequest bounds each attempt; request bounds the whole exchange.
    if (backendRequest !== undefined) retry.perTryTimeoutMs = backendRequest;
    out.retry = retry;
    if (request !== undefined) out.timeoutMs = request;
  } else {
    // One attempt only: the tighter of the two limits is the whole request's limit (0 means none).
    const limits = [request, backendRequest].filter((t): t is number => t !== undefined);
    const bounded = limits.filter((t) => t > 0);
    if (bounded.length) out.timeoutMs = Math.min(...bounded);
    else if (limits.length) out.timeoutMs = 0;
  }
  return out;
}
