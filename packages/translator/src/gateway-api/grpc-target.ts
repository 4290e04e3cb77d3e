// Tidegate's GrpcTarget (tidegate.io/v1alpha1): an xds:/// target served to proxyless gRPC clients of a Gateway.
import { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import type { GrpcApiListener, PathMatch, Route, WeightedBackend } from '@tidegate/ir';
import { condition, defineKind, durationMs, type Problem } from '../resources';
import { resolveBackendRef } from './backend-refs';
import { plainBackendRefSchema } from './common-schema';
import type { Context } from './context';
import { TIDEGATE_GROUP } from './constants';
import { joinProblems, reasonCode } from './problems';
import type { Needs } from './proxy-group-builder';

export const GrpcTargetKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: 'GrpcTarget',
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z.strictObject({
      /** A Gateway in the same namespace. */
      gateway: z.string().min(1),
      /** The name clients dial as `xds:///<target>`. */
      target: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a target name such as "greeter.default" or "greeter:50051"'),
      routes: z
        .array(
          z.strictObject({
            match: z
              .strictObject({
                service: z.string().regex(/^[A-Za-z0-9_.]+$/, 'must be a fully qualified gRPC service name').optional(),
                method: z.string().regex(/^[A-Za-z0-9_]+$/, 'must be a gRPC method name').optional(),
              })
              .optional(),
            backendRefs: z.array(plainBackendRefSchema).min(1).max(16),
            timeout: durationMs.optional(),
          }),
        )
        .min(1),
    }),
  }),
});

/** Adds each GrpcTarget to its Gateway's proxy group; returns their statuses. */
export function translateGrpcTargets(ctx: Context): ObjectStatus[] {
  return ctx.index.list(GrpcTargetKind).map((res) => {
    const spec = res.body.spec;
    const problems: Problem[] = [];
    const needs: Needs = { backends: [], secrets: [] };
    const routes = spec.routes.map((r, i): Route => {
      const backends: WeightedBackend[] = [];
      r.backendRefs.forEach((ref, k) => {
        const b = resolveBackendRef(ctx, 'GrpcTarget', res.namespace, ref, { fromGroup: TIDEGATE_GROUP });
        if (!b.ok) {
          problems.push(b.problem);
          ctx.sink.add(res, `spec.routes[${i}].backendRefs[${k}]`, reasonCode(b.problem.reason), b.problem.message);
          return;
        }
        backends.push({ backend: b.backend.name, weight: ref.weight ?? 1 });
        needs.backends.push(b.backend);
        needs.secrets.push(...b.secrets);
      });
      const route: Route = {
        name: `grpctarget/${res.namespace}/${res.name}/route/${i}`,
        match: { path: grpcPath(r.match?.service, r.match?.method) },
        action: backends.length ? { kind: 'forward', backends } : { kind: 'direct', status: 500 },
      };
      if (r.timeout !== undefined && backends.length) route.timeoutMs = r.timeout;
      return route;
    });
    const listener: GrpcApiListener = { name: spec.target, virtualHosts: [{ name: spec.target, domains: ['*'], routes }] };
    const accepted = attach(ctx, res.namespace, spec.gateway, listener, needs);
    if (!accepted.ok) ctx.sink.add(res, accepted.field, reasonCode(accepted.problem.reason), accepted.problem.message);
    const refs = joinProblems(problems);
    return {
      kind: res.ref.kind,
      namespace: res.namespace,
      name: res.name,
      status: {
        conditions: [
          accepted.ok
            ? condition('Accepted', true, 'Accepted', `served to clients of Gateway ${res.namespace}/${spec.gateway}`, res.generation)
            : condition('Accepted', false, accepted.problem.reason, accepted.problem.message, res.generation),
          refs
            ? condition('ResolvedRefs', false, refs.reason, refs.message, res.generation)
            : condition('ResolvedRefs', true, 'ResolvedRefs', 'all references are resolved', res.generation),
        ],
      },
    };
  });
}

function attach(
  ctx: Context,
  namespace: string,
  gateway: string,
  listener: GrpcApiListener,
  needs: Needs,
): { ok: true } | { ok: false; problem: Problem; field: string } {
  const gw = ctx.gateways.get(`${namespace}/${gateway}`);
  if (!gw || gw.notAccepted) {
    const why = gw ? `is not accepted: ${gw.notAccepted?.message}` : 'not found (or not of a Tidegate GatewayClass)';
    return { ok: false, field: 'spec.gateway', problem: { reason: 'NoMatchingParent', message: `Gateway ${namespace}/${gateway} ${why}` } };
  }
  if (!gw.builder.addGrpcListener(listener, needs)) {
    return { ok: false, field: 'spec.target', problem: { reason: 'Conflicted', message: `target ${listener.name} is already served by Gateway ${gw.key}` } };
  }
  return { ok: true };
}

/** gRPC requests are POSTs to `/<package.Service>/<Method>`. */
function grpcPath(service: string | undefined, method: string | undefined): PathMatch {
  if (service && method) return { type: 'exact', value: `/${service}/${method}` };
  if (service) return { type: 'prefix', value: `/${service}` };
  if (method) return { type: 'regex', value: `/[^/]+/${method}` };
  return { type: 'prefix', value: '/' };
}
