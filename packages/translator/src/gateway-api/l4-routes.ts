// TCPRoute and TLSRoute share this: backends per route, one IR TcpRoute per attachment (SNI for TLS).
import type { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import type { TcpRoute, WeightedBackend } from '@tidegate/ir';
import { byAge, type KindSchema, type Problem, type Resource } from '../resources';
import { resolveBackendRef } from './backend-refs';
import type { ParentRef, plainBackendRefSchema } from './common-schema';
import type { Context } from './context';
import { terminatesTls } from './listener';
import { attachToParents } from './parent-refs';
import { joinProblems, reasonCode } from './problems';
import type { Needs } from './proxy-group-builder';
import { settleRoute } from './route-status';

export interface L4RouteSpec {
  parentRefs?: ParentRef[] | undefined;
  hostnames?: string[] | undefined;
  rules: Array<{ name?: string | undefined; backendRefs: Array<z.output<typeof plainBackendRefSchema>> }>;
}

interface Resolved {
  backends: WeightedBackend[];
  /** Summed weight of the backendRefs that could not be resolved: that share of connections is refused. */
  invalidWeight: number;
  needs: Needs;
}

/**
 * Translates every route of a layer-4 kind, oldest first (an older route keeps
 * SNI names a younger one also asks for). All rules' backendRefs form one
 * weighted set (layer 4 has nothing to match on); an unresolvable one keeps its
 * weight as the route's `invalidWeight`, so that share of connections is
 * refused (all of them when none is left), as TCPRoute and TLSRoute ask.
 * TLSRoute on a listener of another protocol is NotAllowedByListeners, as the v1.5
 * conformance suite checks (TLSRoute's API doc says UnsupportedValue).
 */
export function translateL4Routes(ctx: Context, kind: KindSchema<{ spec: L4RouteSpec }>, usesHostnames: boolean): ObjectStatus[] {
  const statuses: ObjectStatus[] = [];
  for (const res of ctx.index.list(kind).sort(byAge)) {
    const attaching = { kind: kind.kind, res, usesHostnames };
    const outcomes = attachToParents(ctx, attaching);
    if (!outcomes.length) continue;
    const problems: Problem[] = [];
    // A BackendTLSPolicy re-encrypts to the backend, which makes no sense for TLS passed through.
    const variants = new Map<boolean, Resolved>();
    const resolved = (passthrough: boolean): Resolved => {
      let v = variants.get(passthrough);
      if (!v) {
        v = resolveAll(ctx, res, kind.kind, passthrough, variants.size === 0 ? problems : undefined);
        variants.set(passthrough, v);
      }
      return v;
    };
    resolved(false);
    const refs = joinProblems(problems);
    const name = `${kind.kind.toLowerCase()}/${res.namespace}/${res.name}`;
    const status = settleRoute(ctx, res, outcomes, refs ? { refs } : {}, (a) => {
      const { backends, invalidWeight, needs } = resolved(a.listener.protocol === 'TLS' && !terminatesTls(a.listener));
      const route: TcpRoute = { name, backends };
      if (invalidWeight > 0) route.invalidWeight = invalidWeight;
      const sni = a.hostnames.filter((h) => h !== '*');
      if (usesHostnames && sni.length) route.sniHostnames = sni;
      return a.listener.gateway.builder.addTcpRoute(a.listener, route, needs);
    });
    if (status) statuses.push(status);
  }
  return statuses;
}

/** Resolves every backendRef; problems are reported (to `problems` and the sink) only when a list is given. */
function resolveAll(ctx: Context, res: Resource<{ spec: L4RouteSpec }>, kind: string, passthrough: boolean, problems: Problem[] | undefined): Resolved {
  const out: Resolved = { backends: [], invalidWeight: 0, needs: { backends: [], secrets: [], servicePorts: [] } };
  res.body.spec.rules.forEach((rule, i) =>
    rule.backendRefs.forEach((ref, k) => {
      if (ref.port !== undefined && (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '') {
        out.needs.servicePorts?.push({ namespace: ref.namespace ?? res.namespace, service: ref.name, port: ref.port });
      }
      const r = resolveBackendRef(ctx, kind, res.namespace, ref, { plainTcp: passthrough });
      if (!r.ok) {
        out.invalidWeight += ref.weight ?? 1;
        if (!r.unusable && problems) {
          problems.push(r.problem);
          ctx.sink.add(res, `spec.rules[${i}].backendRefs[${k}]`, reasonCode(r.problem.reason), r.problem.message);
        }
        return;
      }
      out.backends.push({ backend: r.backend.name, weight: ref.weight ?? 1 });
      out.needs.backends.push(r.backend);
      out.needs.secrets.push(...r.secrets);
    }),
  );
  return out;
}
