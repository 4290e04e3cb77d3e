// TCPRoute and TLSRoute share this: backends per route, one IR TcpRoute per attachment (SNI for TLS).
import type { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import type { TcpRoute, WeightedBackend } from '@tidegate/ir';
import type { KindSchema, Problem } from '../resources';
import { resolveBackendRef } from './backend-refs';
import type { ParentRef, plainBackendRefSchema } from './common-schema';
import type { Context } from './context';
import { attachToParents } from './parent-refs';
import { joinProblems, reasonCode } from './problems';
import type { Needs } from './proxy-group-builder';
import { settleRoute } from './route-status';

export interface L4RouteSpec {
  parentRefs?: ParentRef[] | undefined;
  hostnames?: string[] | undefined;
  rules: Array<{ name?: string | undefined; backendRefs: Array<z.output<typeof plainBackendRefSchema>> }>;
}

/**
 * Translates every route of a layer-4 kind. All rules' backendRefs form one
 * weighted set (layer 4 has nothing to match on); unresolvable ones are left
 * out, and a route with none left refuses connections.
 */
export function translateL4Routes(ctx: Context, kind: KindSchema<{ spec: L4RouteSpec }>, usesHostnames: boolean): ObjectStatus[] {
  const statuses: ObjectStatus[] = [];
  for (const res of ctx.index.list(kind)) {
    const outcomes = attachToParents(ctx, { kind: kind.kind, res, usesHostnames });
    if (!outcomes.length) continue;
    const backends: WeightedBackend[] = [];
    const needs: Needs = { backends: [], secrets: [] };
    const problems: Problem[] = [];
    res.body.spec.rules.forEach((rule, i) =>
      rule.backendRefs.forEach((ref, k) => {
        const r = resolveBackendRef(ctx, kind.kind, res.namespace, ref);
        if (!r.ok) {
          problems.push(r.problem);
          ctx.sink.add(res, `spec.rules[${i}].backendRefs[${k}]`, reasonCode(r.problem.reason), r.problem.message);
          return;
        }
        backends.push({ backend: r.backend.name, weight: ref.weight ?? 1 });
        needs.backends.push(r.backend);
        needs.secrets.push(...r.secrets);
      }),
    );
    const refs = joinProblems(problems);
    const name = `${kind.kind.toLowerCase()}/${res.namespace}/${res.name}`;
    const status = settleRoute(ctx, res, outcomes, refs ? { refs } : {}, (a) => {
      const route: TcpRoute = { name, backends };
      const sni = a.hostnames.filter((h) => h !== '*');
      if (usesHostnames && sni.length) route.sniHostnames = sni;
      return a.listener.gateway.builder.addTcpRoute(a.listener, route, needs);
    });
    if (status) statuses.push(status);
  }
  return statuses;
}
