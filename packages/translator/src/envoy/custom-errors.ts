// Custom error pages per route: chosen upstream status codes are answered from an error backend.
import { typed } from '@tidegate/envoy-api';
import { customErrorsCheck, type HttpListener, type Route, type VirtualHost } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { ConfigType, FilterName } from './filter-names';
import { headerValueOption } from './header-mutation';
import type { HttpFeature, HttpFilterPart } from './http-feature';
import { enabledOnRoute, perRouteFilter, someRoute } from './per-route-filter';

/** Request header that steers a redirected request to its error backend's hidden route. */
export const ERROR_BACKEND_HEADER = 'x-tidegate-error-backend';

/*
 * How it works (stock Envoy, the custom_response filter with a redirect policy):
 * 1. A route with `customErrors` switches the custom_response filter on with a matcher on the
 *    response status code; each listed code has a redirect policy.
 * 2. When the answer (from the backend, or a local reply of a later filter) has a listed code,
 *    the filter drops it and internally redirects the request: same host, same path and
 *    query, plus `x-code: <status>`, `x-original-uri: <path before any rewrite>` and
 *    `x-tidegate-error-backend: <backend>`.
 * 3. The redirected request matches a hidden route placed first in the same virtual host,
 *    which matches that header and forwards to the error backend (the header is removed).
 *    That route switches the filter on too, without a matcher: on the redirected request the
 *    filter is what puts the original status code on the error backend's answer.
 * 4. The client gets the error backend's body with the original status code (the redirect
 *    policy's `status_code`), unless the error backend itself answers with an error status,
 *    which is then passed on. The redirected request has no body (a POST stays a POST).
 *    Envoy marks custom_response as work in progress and logs a warning when loading it.
 * A client that sends `x-tidegate-error-backend` itself reaches the error backend directly,
 * as it could any error page; no other route is affected.
 */

/** The custom_response filter, present (and disabled by default) when some route of the listener uses it. */
export function customErrorFilters(l: HttpListener): HttpFilterPart[] {
  if (!someRoute(l, 'customErrors', (r) => !!r.customErrors?.statusCodes.length)) return [];
  return [perRouteFilter(FilterName.CustomResponse, ConfigType.CustomResponse, {})];
}

/** The route's status-code matcher: one redirect policy per listed code. */
export function customErrorsPerFilterConfig(r: Route): EnvoyObject | undefined {
  const ce = r.customErrors;
  if (!ce?.statusCodes.length) return undefined;
  const codes = [...new Set(ce.statusCodes)];
  const map = Object.fromEntries(
    codes.map((code) => [String(code), { action: { name: `custom-error-${code}`, typed_config: redirectPolicy(code, ce.backend) } }]),
  );
  const matcher = {
    matcher_tree: {
      input: { name: 'status-code', typed_config: typed(ConfigType.HttpResponseStatusCodeMatchInput, {}) },
      exact_match_map: { map },
    },
  };
  return { [FilterName.CustomResponse]: enabledOnRoute(ConfigType.CustomResponse, { custom_response_matcher: matcher }) };
}

function redirectPolicy(code: number, backend: string): EnvoyObject {
  return typed(ConfigType.CustomResponseRedirectPolicy, {
    // An empty redirect action keeps scheme, host, path and query.
    redirect_action: {},
    status_code: { value: code },
    request_headers_to_add: [
      headerValueOption('x-code', String(code), 'OVERWRITE_IF_EXISTS_OR_ADD'),
      headerValueOption('x-original-uri', '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%', 'OVERWRITE_IF_EXISTS_OR_ADD'),
      headerValueOption(ERROR_BACKEND_HEADER, backend, 'OVERWRITE_IF_EXISTS_OR_ADD'),
    ],
  });
}

/** Hidden routes to put first in a virtual host: one per error backend its routes use. */
export function customErrorRoutes(vh: VirtualHost): EnvoyObject[] {
  const backends = new Set(vh.routes.flatMap((r) => (r.customErrors?.statusCodes.length ? [r.customErrors.backend] : [])));
  return [...backends].map((backend) => ({
    name: `tidegate.custom-errors.${backend}`,
    match: { prefix: '/', headers: [{ name: ERROR_BACKEND_HEADER, string_match: { exact: backend } }] },
    route: { cluster: backend },
    request_headers_to_remove: [ERROR_BACKEND_HEADER],
    // Without a matcher it redirects nothing here; see step 3 above.
    typed_per_filter_config: { [FilterName.CustomResponse]: enabledOnRoute(ConfigType.CustomResponse, {}) },
  }));
}

/** The custom-errors feature: everything the Envoy layer knows about it (see http-feature.ts). */
export const customErrorsFeature: HttpFeature = {
  name: 'custom-errors',
  phase: 'error-pages',
  listenerFilters: customErrorFilters,
  perRoute: customErrorsPerFilterConfig,
  perVirtualHost: { routes: customErrorRoutes },
  validation: customErrorsCheck,
  references: { none: 'its error backend is the cluster of a hidden route, which the reference check reads like every route action' },
  goldenCases: ['custom-errors'],
};
