// One Route: its match, one action (forward / redirect / direct response), headers, and the
// per-route settings of HTTP filters (CORS, limits, access control, auth, error pages, transcoding, sessions).
import type { Route } from '@tidegate/ir';
import { directResponseAction, directResponseHeaders } from './direct-response';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { isNone } from './http-feature';
import { HTTP_FEATURES } from './http-feature-registry';
import { headerMutationFields } from './header-mutation';
import { redirectAction } from './redirect';
import { forwardFields } from './route-action';
import { routeMatch } from './route-match';

/**
 * Per-route filter settings, each registered feature contributing its `typed_per_filter_config`
 * entries. Only a real Envoy gets them: these filters do not exist for proxyless gRPC clients,
 * which NACK settings for filters they do not know (the features are server-side by nature).
 */
const PER_ROUTE = HTTP_FEATURES.flatMap((f) => (isNone(f.perRoute) ? [] : [f.perRoute]));

/**
 * Builds a `Route`. Proxyless gRPC clients NACK a whole route configuration holding a
 * redirect or direct response, so for them such routes are left out (undefined).
 */
export function route(r: Route, target: RouteTarget): EnvoyObject | undefined {
  const out: EnvoyObject = { name: r.name, match: routeMatch(r.match, target) };
  const extraResponseHeaders: EnvoyObject[] = [];
  switch (r.action.kind) {
    case 'forward': {
      const fields = forwardFields(r, r.action, target);
      if (!fields) return undefined;
      Object.assign(out, fields);
      break;
    }
    case 'redirect':
      if (target === 'proxyless') return undefined;
      out.redirect = redirectAction(r.action, r.match);
      break;
    case 'direct':
      if (target === 'proxyless') return undefined;
      out.direct_response = directResponseAction(r.action);
      extraResponseHeaders.push(...directResponseHeaders(r.action));
      break;
  }
  const headers = headerMutationFields(r.requestHeaders, r.responseHeaders);
  if (extraResponseHeaders.length) {
    headers.response_headers_to_add = [...((headers.response_headers_to_add as EnvoyObject[] | undefined) ?? []), ...extraResponseHeaders];
  }
  Object.assign(out, headers);
  if (target === 'envoy') {
    const perFilter = Object.assign({}, ...PER_ROUTE.map((part) => part(r))) as EnvoyObject;
    if (Object.keys(perFilter).length) out.typed_per_filter_config = perFilter;
  }
  return out;
}
