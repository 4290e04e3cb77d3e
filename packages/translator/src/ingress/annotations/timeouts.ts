// Timeouts and retries: proxy-*-timeout, higress.io/timeout and proxy-next-upstream*, with ingress-nginx's defaults.
import type { RetryPolicy, Route } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { integer, list, read, seconds, type Parsed } from './values';

export interface TimeoutSettings {
  connectMs?: number;
  /** Stream idle timeout: the larger of proxy-read-timeout and proxy-send-timeout. */
  idleMs?: number;
  /** Whole-request timeout (higress.io/timeout, else proxy-next-upstream-timeout). */
  requestMs?: number;
  retry?: RetryPolicy;
}

/** ingress-nginx's proxy-read-timeout / proxy-send-timeout default. */
const DEFAULT_IDLE_MS = 60_000;
/** ingress-nginx's default: "error timeout" with 3 tries, mapped as below. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 2, on: Object.freeze(['connect-failure', 'refused-stream']) as string[] });

/**
 * What every Ingress route forwarding traffic starts with: no whole-request limit (nginx
 * has none; Envoy's default is 15 s), nginx's 60 s read timeout, retries on connection failures.
 */
export function applyRouteDefaults(route: Route): void {
  route.timeoutMs = 0;
  route.idleTimeoutMs = DEFAULT_IDLE_MS;
  // Shared, not copied: IR consumers never mutate routes, and hooks replace the policy whole.
  route.retry = DEFAULT_RETRY;
}

const TIMEOUT = annotation('timeout', 'supported', 'whole-request timeout in seconds (route timeout, retries included; default none)', { higressOnly: true });
const CONNECT = annotation('proxy-connect-timeout', 'supported', 'connect timeout of the Ingress\'s backends (a per-Ingress copy of the cluster)');
const READ = annotation('proxy-read-timeout', 'supported', 'route idle timeout: the longest gap between upstream reads (default 60 s, answered with 504)');
const SEND = annotation('proxy-send-timeout', 'partly', 'route idle timeout', {
  limits: 'Envoy has one idle timer per stream for both directions: the larger of proxy-read-timeout and proxy-send-timeout applies to both',
});
const NEXT_UPSTREAM = annotation('proxy-next-upstream', 'partly', 'retry conditions: error/timeout → connect-failure and refused-stream (plus reset with non_idempotent), http_NNN → retriable status codes, off → no retries', {
  limits: 'Envoy cannot hold retries to idempotent methods: after the request was sent, resets and timeouts are retried only with non_idempotent, while http_NNN retries apply to every method; a retry may go to the same endpoint',
});
const TRIES = annotation('proxy-next-upstream-tries', 'supported', 'attempts including the first (retries = tries - 1; default 3; 0 = up to 10)');
const NEXT_TIMEOUT = annotation('proxy-next-upstream-timeout', 'partly', 'bounds the whole request when higress.io/timeout is not set', {
  limits: 'limits the whole request, not only the time spent retrying',
});

const STATUS_CONDITION = /^http_(\d{3})$/;
const CONDITIONS = new Set(['error', 'timeout', 'invalid_header', 'non_idempotent', 'off']);

function conditions(text: string): Parsed<string[]> {
  const items = list(text, /[\s,]+/);
  const wrong = items.filter((c) => !CONDITIONS.has(c) && !STATUS_CONDITION.test(c));
  if (items.length === 0) return { ok: false, message: 'must list retry conditions such as "error timeout http_503"' };
  if (wrong.length) return { ok: false, message: `${wrong.join(', ')} ${wrong.length === 1 ? 'is not a condition' : 'are not conditions'} (error, timeout, invalid_header, http_NNN, non_idempotent, off)` };
  return { ok: true, value: items };
}

/** nginx conditions as an Envoy-style retry policy. */
function retryPolicy(conds: string[], tries: number): RetryPolicy {
  if (conds.includes('off')) return { attempts: 0, on: [] };
  const unsafe = conds.includes('non_idempotent');
  const on = new Set<string>();
  const codes: number[] = [];
  for (const c of conds) {
    const m = STATUS_CONDITION.exec(c);
    if (m) codes.push(Number(m[1]));
    else if (c === 'error' || c === 'timeout') {
      on.add('connect-failure');
      on.add('refused-stream');
      if (unsafe) on.add('reset');
    } else if (c === 'invalid_header' && unsafe) on.add('reset');
  }
  const policy: RetryPolicy = { attempts: tries === 0 ? 10 : tries - 1, on: [...on] };
  if (codes.length) {
    policy.on.push('retriable-status-codes');
    policy.statusCodes = codes;
  }
  return policy;
}

export const timeoutsGroup: AnnotationGroup<TimeoutSettings> = {
  id: 'timeouts',
  annotations: [TIMEOUT, CONNECT, READ, SEND, NEXT_UPSTREAM, TRIES, NEXT_TIMEOUT],
  parse(a, ctx) {
    const s: TimeoutSettings = {};
    const connect = read(a, CONNECT, ctx, seconds);
    if (connect !== undefined) s.connectMs = connect;
    const readMs = read(a, READ, ctx, seconds);
    const sendMs = read(a, SEND, ctx, seconds);
    if (readMs !== undefined || sendMs !== undefined) s.idleMs = Math.max(readMs ?? DEFAULT_IDLE_MS, sendMs ?? 0);
    const timeout = read(a, TIMEOUT, ctx, seconds);
    const nextTimeout = read(a, NEXT_TIMEOUT, ctx, seconds);
    if (timeout !== undefined) s.requestMs = timeout;
    else if (nextTimeout !== undefined && nextTimeout > 0) s.requestMs = nextTimeout;
    const conds = read(a, NEXT_UPSTREAM, ctx, conditions);
    const tries = read(a, TRIES, ctx, integer(0, 100));
    if (conds || tries !== undefined) s.retry = retryPolicy(conds ?? ['error', 'timeout'], tries ?? 3);
    return Object.keys(s).length ? s : undefined;
  },
  route(s, route) {
    if (s.requestMs !== undefined) route.timeoutMs = s.requestMs;
    if (s.idleMs !== undefined) route.idleTimeoutMs = s.idleMs;
    if (s.retry) route.retry = s.retry;
  },
  backend(s, backend) {
    if (s.connectMs !== undefined) backend.connectTimeoutMs = s.connectMs;
  },
};
