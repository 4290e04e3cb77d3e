// Rate and size limits: Higress route limits, ingress-nginx per-client limits, connection and body limits.
import type { RateLimit } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { integer, read, size } from './values';

export interface LimitSettings {
  rateLimit?: RateLimit;
  connections?: number;
  maxBodyBytes?: number;
}

const ROUTE_RPS = annotation('route-limit-rps', 'supported', 'local rate limit of the Ingress\'s routes per gateway instance, requests per second; 429 when exceeded', { higressOnly: true });
const ROUTE_RPM = annotation('route-limit-rpm', 'supported', 'local rate limit of the Ingress\'s routes per gateway instance, requests per minute; 429 when exceeded', { higressOnly: true });
const ROUTE_BURST = annotation('route-limit-burst-multiplier', 'supported', 'bucket size = limit × multiplier (default 5)', { higressOnly: true });
const LIMIT_RPS = annotation('limit-rps', 'partly', 'a token bucket per client IP, requests per second, bucket = limit × limit-burst-multiplier', {
  limits: 'answers 429 where ingress-nginx answers 503 (its limit-req-status-code default); with limit-rpm too, only limit-rps applies',
});
const LIMIT_RPM = annotation('limit-rpm', 'partly', 'a token bucket per client IP, requests per minute', {
  limits: 'answers 429 where ingress-nginx answers 503 (its limit-req-status-code default)',
});
const LIMIT_BURST = annotation('limit-burst-multiplier', 'supported', 'bucket size = limit × multiplier (default 5)');
const LIMIT_CONNECTIONS = annotation('limit-connections', 'partly', 'a connection limit on the default gateway\'s listeners (the smallest value of any Ingress)', {
  limits: 'listener-wide, not per client IP as in ingress-nginx; excess connections are closed rather than answered 503',
});
const BODY_SIZE = annotation('proxy-body-size', 'supported', 'largest request body of the Ingress\'s routes (413 above it); "0" means no limit; no default limit (ingress-nginx\'s default is 1m)');
const LIMIT_RATE = annotation('limit-rate', 'unsupported', 'response bandwidth limits per connection are not in the IR');
const LIMIT_RATE_AFTER = annotation('limit-rate-after', 'unsupported', 'response bandwidth limits per connection are not in the IR');
const LIMIT_ALLOWLIST = annotation('limit-whitelist', 'unsupported', 'the IR rate limit has no exempt client ranges');

const DEFAULT_BURST = 5;

export const limitsGroup: AnnotationGroup<LimitSettings> = {
  id: 'limits',
  annotations: [ROUTE_RPS, ROUTE_RPM, ROUTE_BURST, LIMIT_RPS, LIMIT_RPM, LIMIT_BURST, LIMIT_CONNECTIONS, BODY_SIZE, LIMIT_RATE, LIMIT_RATE_AFTER, LIMIT_ALLOWLIST],
  parse(a, ctx) {
    const s: LimitSettings = {};
    const positive = integer(1, 1_000_000_000);
    const rps = read(a, LIMIT_RPS, ctx, positive);
    const rpm = read(a, LIMIT_RPM, ctx, positive);
    const routeRps = read(a, ROUTE_RPS, ctx, positive);
    const routeRpm = read(a, ROUTE_RPM, ctx, positive);
    const ignore = (def: typeof ROUTE_RPS, why: string) => {
      const found = a.get(def);
      if (found) ctx.remark(found.key, `ignored: ${why}`);
    };
    if (rps !== undefined || rpm !== undefined) {
      const burst = read(a, LIMIT_BURST, ctx, positive) ?? DEFAULT_BURST;
      const requests = rps ?? (rpm as number);
      s.rateLimit = { requests, per: rps !== undefined ? 'second' : 'minute', burst: requests * burst, perClient: true };
      if (rps !== undefined) ignore(LIMIT_RPM, 'limit-rps takes precedence');
      ignore(ROUTE_RPS, 'limit-rps/limit-rpm take precedence');
      ignore(ROUTE_RPM, 'limit-rps/limit-rpm take precedence');
    } else if (routeRps !== undefined || routeRpm !== undefined) {
      const burst = read(a, ROUTE_BURST, ctx, positive) ?? DEFAULT_BURST;
      const requests = routeRps ?? (routeRpm as number);
      s.rateLimit = { requests, per: routeRps !== undefined ? 'second' : 'minute', burst: requests * burst };
      if (routeRps !== undefined) ignore(ROUTE_RPM, 'route-limit-rps takes precedence');
    }
    if (rps === undefined && rpm === undefined) ignore(LIMIT_BURST, 'limit-rps / limit-rpm is not set');
    if (routeRps === undefined && routeRpm === undefined) ignore(ROUTE_BURST, 'route-limit-rps / route-limit-rpm is not set');
    const connections = read(a, LIMIT_CONNECTIONS, ctx, positive);
    if (connections !== undefined) s.connections = connections;
    const body = read(a, BODY_SIZE, ctx, size);
    if (body !== undefined && body > 0) s.maxBodyBytes = body;
    return Object.keys(s).length ? s : undefined;
  },
  route(s, route) {
    if (s.rateLimit) route.rateLimit = s.rateLimit;
    if (s.maxBodyBytes !== undefined) route.maxRequestBodyBytes = s.maxBodyBytes;
  },
  listener(s, listener) {
    if (s.connections !== undefined) listener.connectionLimit = Math.min(listener.connectionLimit ?? Infinity, s.connections);
  },
};
