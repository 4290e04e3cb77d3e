// One Route: its match, one action (forward / redirect / direct response), headers and CORS.
import type { Route } from '@tidegate/ir';
import type { EnvoyObject, RouteTarget } from './envoy-object';
import { corsPerFilterConfig } from './cors';
import { directResponseAction, directResponseHeaders } from './direct-response';
import { headerMutationFields } from './header-mutation';
import { redirectAction } from './redirect';
import { forwardFields } from './route-action';
import { routeMatch } from './route-match';

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
  const perFilter = corsPerFilterConfig(r.cors, target);
  if (perFilter) out.typed_per_filter_config = perFilter;
  return out;
}
