// RedirectAction: scheme, host, port, full-path or prefix replacement, status code.
import type { RedirectAction, RouteMatch } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { prefixReplacement } from './rewrite';

const RESPONSE_CODE: Record<RedirectAction['statusCode'], string> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

/** Builds a `RedirectAction`; the matched path decides what a prefix replacement replaces. */
export function redirectAction(r: RedirectAction, match: RouteMatch): EnvoyObject {
  const out: EnvoyObject = {};
  if (r.scheme) out.scheme_redirect = r.scheme;
  if (r.host) out.host_redirect = r.host;
  if (r.port !== undefined && !isWellKnownPort(r.scheme, r.port)) out.port_redirect = r.port;
  if (r.path?.type === 'full') out.path_redirect = r.path.value;
  else if (r.path?.type === 'prefix') Object.assign(out, prefixReplacement(match, r.path.value));
  out.response_code = RESPONSE_CODE[r.statusCode];
  return out;
}

/**
 * Envoy writes `port_redirect` into Location even when it is the scheme's default, and
 * gateways should not (`https://host/`, not `https://host:443/`), so the default port is
 * left out. Without `host_redirect`, Envoy then keeps the request's authority as sent.
 */
function isWellKnownPort(scheme: RedirectAction['scheme'], port: number): boolean {
  return (port === 443 && scheme !== 'http') || (port === 80 && scheme !== 'https');
}
