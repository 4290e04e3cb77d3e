// A primary route plus its canaries: header routes, then cookie routes, then the weighted route.
import { escapeRegex, type HeaderMatch, type HeaderMutation, type Route, type WeightedBackend } from '@tidegate/ir';
import type { CanarySettings } from './annotations/canary';
import type { HeaderSettings } from './annotations/headers';

/** One canary Ingress attached to a primary path. */
export interface CanaryTarget {
  /** `namespace/name` of the canary Ingress. */
  name: string;
  settings: CanarySettings;
  /** The canary's Backend names and shares (one Service, or registry hosts); undefined when unusable (its share fails). */
  backends?: Array<{ backend: string; weight: number }>;
  /** The canary Ingress's own header control: it applies to requests the canary serves. */
  headers?: HeaderSettings;
}

/** A weight total every canary's weight/total is scaled to when canaries use different totals. */
const COMMON_TOTAL = 10_000;

/**
 * ingress-nginx precedence: canary-by-header (always / a value / a pattern; `never` pins the
 * primary), then canary-by-cookie (always / never), then canary-weight. A request that matches
 * none of the header or cookie rules falls through to the weighted route.
 */
export function withCanaries(primary: Route, attached: CanaryTarget[]): Route[] {
  if (primary.action.kind !== 'forward' || attached.length === 0) return [primary];
  // A canary Ingress that lists the primary's host and path twice is one canary (the first listing).
  const canaries = attached.filter((c, i) => attached.findIndex((o) => o.name === c.name) === i);
  const primaryAction = primary.action;
  const moveHeaders = canaries.some((c) => c.headers);
  const primaryHeaders = { request: primary.requestHeaders, response: primary.responseHeaders };
  const base: Route = { ...primary };
  if (moveHeaders) {
    delete base.requestHeaders;
    delete base.responseHeaders;
  }
  const to = (c: CanaryTarget | undefined, suffix: string, extra: HeaderMatch): Route => {
    const r: Route = { ...base, name: `${primary.name}/${suffix}`, match: { ...primary.match, headers: [...(primary.match.headers ?? []), extra] } };
    if (!c) {
      // Pinned to the primary.
      if (moveHeaders) assignHeaders(r, primaryHeaders.request, primaryHeaders.response);
      return r;
    }
    if (c.backends === undefined) r.action = { kind: 'direct', status: 503, body: 'canary backend unavailable\n', contentType: 'text/plain' };
    else r.action = { ...primaryAction, backends: c.backends.map((b) => ({ ...b })) };
    if (moveHeaders) assignHeaders(r, c.headers?.request, c.headers?.response);
    return r;
  };
  const routes: Route[] = [];
  for (const c of canaries) {
    const h = c.settings.header;
    if (!h) continue;
    const id = `canary/${c.name}`;
    if (h.value !== undefined) routes.push(to(c, `${id}/header`, { name: h.name, type: 'exact', value: h.value }));
    else if (h.pattern !== undefined) routes.push(to(c, `${id}/header`, { name: h.name, type: 'regex', value: h.pattern }));
    else {
      routes.push(to(c, `${id}/header`, { name: h.name, type: 'exact', value: 'always' }));
      routes.push(to(undefined, `${id}/header-never`, { name: h.name, type: 'exact', value: 'never' }));
    }
  }
  for (const c of canaries) {
    if (!c.settings.cookie) continue;
    const id = `canary/${c.name}`;
    routes.push(to(c, `${id}/cookie`, cookieMatch(c.settings.cookie, 'always')));
    routes.push(to(undefined, `${id}/cookie-never`, cookieMatch(c.settings.cookie, 'never')));
  }
  routes.push(weighted(base, primaryAction.backends, canaries, moveHeaders ? primaryHeaders : undefined));
  return routes;
}

/** The Cookie header carries `name=value` among other cookies. */
function cookieMatch(name: string, value: string): HeaderMatch {
  return { name: 'cookie', type: 'regex', value: `(.*;\\s*)?${escapeRegex(name)}=${value}(;.*)?` };
}

function assignHeaders(r: Route | WeightedBackend, request?: HeaderMutation, response?: HeaderMutation): void {
  if (request) r.requestHeaders = request;
  if (response) r.responseHeaders = response;
}

function weighted(base: Route, primaryBackends: WeightedBackend[], canaries: CanaryTarget[], primaryHeaders?: { request?: HeaderMutation; response?: HeaderMutation }): Route {
  const weightedCanaries = canaries.filter((c) => c.settings.weight && c.settings.weight.weight > 0);
  if (weightedCanaries.length === 0 && !primaryHeaders) return base;
  const totals = new Set(weightedCanaries.map((c) => c.settings.weight!.total));
  const total = totals.size <= 1 ? ([...totals][0] ?? 100) : COMMON_TOTAL;
  const share = (c: CanaryTarget) => Math.round((c.settings.weight!.weight / c.settings.weight!.total) * total);
  const backends: WeightedBackend[] = [];
  let invalidWeight = 0;
  let used = 0;
  for (const c of weightedCanaries) {
    const w = Math.min(share(c), total - used);
    used += w;
    if (c.backends === undefined) invalidWeight += w;
    else {
      for (const part of split(w, c.backends)) {
        const wb: WeightedBackend = part;
        if (primaryHeaders) assignHeaders(wb, c.headers?.request, c.headers?.response);
        backends.push(wb);
      }
    }
  }
  const rest = total - used;
  const primaryWeight = primaryBackends.reduce((n, b) => n + b.weight, 0);
  for (const b of primaryBackends) {
    const wb: WeightedBackend = { ...b, weight: primaryWeight ? Math.round((b.weight / primaryWeight) * rest) : 0 };
    if (primaryHeaders) assignHeaders(wb, primaryHeaders.request, primaryHeaders.response);
    backends.unshift(wb);
  }
  const action = { ...(base.action as Extract<Route['action'], { kind: 'forward' }>), backends };
  if (primaryBackends.length === 0) invalidWeight += rest;
  if (invalidWeight > 0) action.invalidWeight = (action.invalidWeight ?? 0) + invalidWeight;
  return { ...base, action };
}

/** `share` split over `parts` by their weights (whole numbers; the last takes the rounding rest). */
function split(share: number, parts: Array<{ backend: string; weight: number }>): WeightedBackend[] {
  const sum = parts.reduce((n, p) => n + p.weight, 0);
  let left = share;
  return parts.map((p, i) => {
    const w = i === parts.length - 1 ? left : Math.min(left, sum ? Math.round((p.weight / sum) * share) : 0);
    left -= w;
    return { backend: p.backend, weight: w };
  });
}
