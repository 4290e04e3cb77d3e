// DirectResponseAction: a fixed status, body and content type answered by Envoy itself.
import { literalHeaderValue, type DirectResponseAction, type VirtualHost } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { headerValueOption } from './header-mutation';

/** Envoy rejects direct-response bodies above this unless the route config raises the limit. */
const ENVOY_DEFAULT_BODY_LIMIT = 4096;

/** A `DirectResponseAction`. */
export function directResponseAction(d: DirectResponseAction): EnvoyObject {
  const action: EnvoyObject = { status: d.status };
  if (d.body !== undefined) action.body = { inline_string: d.body };
  return action;
}

/** Response headers the direct response carries: its content type. */
export function directResponseHeaders(d: DirectResponseAction): EnvoyObject[] {
  return d.contentType ? [headerValueOption('content-type', literalHeaderValue(d.contentType), 'OVERWRITE_IF_EXISTS_OR_ADD')] : [];
}

/** The `max_direct_response_body_size_bytes` a route config needs, if any body is above Envoy's default. */
export function directResponseBodyLimit(vhosts: VirtualHost[]): number | undefined {
  let largest = 0;
  for (const vh of vhosts) {
    for (const r of vh.routes) {
      if (r.action.kind === 'direct' && r.action.body) largest = Math.max(largest, Buffer.byteLength(r.action.body));
    }
  }
  return largest > ENVOY_DEFAULT_BODY_LIMIT ? largest : undefined;
}
