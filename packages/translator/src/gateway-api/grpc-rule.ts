// What GRPCRoute adds to rule translation: service/method and header matches as IR matches, gRPC precedence.
import { headerNameProblem, regexProblem, stringMatchProblem, type HeaderMatch, type PathMatch, type RouteMatch } from '@tidegate/ir';
import { GRPC_FILTERS } from './filters';
import type { GrpcRouteMatchSpec, GrpcRouteRuleSpec } from './grpc-route-schema';
import { grpcPrecedenceKey } from './route-precedence';
import type { MatchOutcome, RuleKind } from './route-rule';

export const GRPC_RULES: RuleKind<GrpcRouteRuleSpec> = {
  kind: 'GRPCRoute',
  prefix: 'grpcroute',
  filters: GRPC_FILTERS,
  resolve: { grpc: true },
  noBackendStatus: 503,
  matches(rule, route, i) {
    const matches = rule.matches?.length ? rule.matches : [undefined];
    return matches.map((m, j): MatchOutcome => {
      const r = toGrpcMatch(m);
      if (!r.ok) return r;
      const counts = { serviceLength: m?.method?.service?.length ?? 0, methodLength: m?.method?.method?.length ?? 0, headers: r.match.headers?.length ?? 0 };
      return { ok: true, match: r.match, key: grpcPrecedenceKey(counts, route, i, j) };
    });
  },
};

type Converted = { ok: true; match: RouteMatch } | { ok: false; field: string; message: string };

/**
 * gRPC calls are requests for `/<service>/<method>`. Exact matches become an
 * exact path (both given), a prefix `/<service>/` or a regex for the method
 * alone; RegularExpression matches become one path regex, an absent part
 * matching any service or method. No match means every request.
 */
export function toGrpcMatch(m: GrpcRouteMatchSpec | undefined): Converted {
  const match: RouteMatch = { path: grpcPath(m?.method) };
  if (match.path.type === 'regex') {
    const bad = regexProblem(match.path.value);
    if (bad) return { ok: false, field: '.method', message: bad };
  }
  const headers: HeaderMatch[] = [];
  const seen = new Set<string>();
  for (const [k, h] of (m?.headers ?? []).entries()) {
    // Only the first match for a (case-insensitive) header name counts.
    if (seen.has(h.name.toLowerCase())) continue;
    seen.add(h.name.toLowerCase());
    const type = h.type === 'RegularExpression' ? 'regex' : 'exact';
    const badName = headerNameProblem(h.name);
    if (badName) return { ok: false, field: `.headers[${k}].name`, message: badName };
    const bad = stringMatchProblem(type, h.value);
    if (bad) return { ok: false, field: `.headers[${k}].value`, message: bad };
    headers.push({ name: h.name, type, value: h.value });
  }
  if (headers.length) match.headers = headers;
  return { ok: true, match };
}

function grpcPath(method: GrpcRouteMatchSpec['method']): PathMatch {
  const service = method?.service;
  const name = method?.method;
  if ((method?.type ?? 'Exact') === 'RegularExpression') {
    return { type: 'regex', value: `/${service ? `(?:${service})` : '[^/]+'}/${name ? `(?:${name})` : '[^/]+'}` };
  }
  if (service && name) return { type: 'exact', value: `/${service}/${name}` };
  if (service) return { type: 'string-prefix', value: `/${service}/` };
  if (name) return { type: 'regex', value: `/[^/]+/${name}` };
  return { type: 'prefix', value: '/' };
}
