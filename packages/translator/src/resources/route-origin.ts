// Which source object (and which of its fields) an IR route came from, read from the route's name.
import type { ObjectRef } from './translation-error';

/** The object an IR route was made from and the field of it that made the route. */
export interface RouteOrigin {
  ref: ObjectRef;
  /** Field path inside the object, e.g. `spec.rules[0].matches[1]`. */
  field: string;
}

/**
 * Route names carry their origin: every translator names a route
 * `<kind>/<namespace>/<name>/<part of the object>` (`httproute/default/web/rule/0/match/1`,
 * `ingress/default/shop/rules/0/paths/2`, `tcproute/default/db`), because the same names
 * show up in Envoy's stats and config dumps, where a user must recognise them.
 */
const KINDS: Record<string, { kind: string; field: (part: string) => string }> = {
  httproute: { kind: 'HTTPRoute', field: gatewayRuleField },
  grpcroute: { kind: 'GRPCRoute', field: gatewayRuleField },
  tcproute: { kind: 'TCPRoute', field: () => 'spec.rules' },
  tlsroute: { kind: 'TLSRoute', field: () => 'spec.rules' },
  grpctarget: { kind: 'GrpcTarget', field: () => 'spec' },
  ingress: { kind: 'Ingress', field: ingressPathField },
};

/** The origin of a route named by a translator, or undefined for a name of another shape. */
export function routeOrigin(routeName: string): RouteOrigin | undefined {
  const m = /^([a-z]+)\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(routeName);
  const known = m && KINDS[m[1] as string];
  if (!m || !known) return undefined;
  return { ref: { kind: known.kind, namespace: m[2] as string, name: m[3] as string }, field: known.field(m[4] ?? '') };
}

/** `rule/<index or rule name>/match/<j>[/…]`. */
function gatewayRuleField(part: string): string {
  const m = /^rule\/([^/]+)\/match\/(\d+)/.exec(part);
  if (!m) return 'spec.rules';
  const rule = /^\d+$/.test(m[1] as string) ? `[${m[1]}]` : `[name=${m[1]}]`;
  return `spec.rules${rule}.matches[${m[2]}]`;
}

/** `rules/<i>/paths/<j>[/…]`, `default-backend`, `app-root`. */
function ingressPathField(part: string): string {
  const m = /^rules\/(\d+)\/paths\/(\d+)/.exec(part);
  if (m) return `spec.rules[${m[1]}].http.paths[${m[2]}]`;
  if (part.startsWith('default-backend')) return 'spec.defaultBackend';
  if (part.startsWith('app-root')) return 'metadata.annotations';
  return 'spec.rules';
}
