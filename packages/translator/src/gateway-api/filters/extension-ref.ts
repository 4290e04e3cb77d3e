// ExtensionRef to Tidegate's HTTPRouteFilter: direct responses, regex rewrites, CORS, gRPC-JSON transcoding.
import { headerSafeProblem, regexProblem } from '@tidegate/ir';
import { z } from 'zod';
import { TIDEGATE_GROUP } from '../constants';
import { resolveGrpcJsonTranscoder } from '../grpc-json-transcoder';
import { HTTPRouteFilterKind } from '../http-route-filter';
import { defineFilter } from './filter';

export const extensionRef = defineFilter({
  type: 'ExtensionRef',
  field: 'extensionRef',
  schema: z.strictObject({ group: z.string(), kind: z.string().min(1), name: z.string().min(1) }),
  repeatable: true,
  apply(ref, draft, fctx) {
    const field = '.extensionRef';
    if (ref.group !== TIDEGATE_GROUP || ref.kind !== 'HTTPRouteFilter') {
      // Gateway API: an unresolvable custom filter is never skipped; its requests get an error.
      draft.broken = true;
      fctx.refProblem({ reason: 'InvalidKind', message: `filter kind ${ref.group}/${ref.kind} is not supported; use ${TIDEGATE_GROUP}/HTTPRouteFilter` }, field, 'invalid-kind');
      return;
    }
    const ns = fctx.route.namespace;
    const filter = fctx.ctx.index.get(HTTPRouteFilterKind, ns, ref.name);
    if (!filter) {
      draft.broken = true;
      const state = fctx.ctx.index.lookup(HTTPRouteFilterKind, ns, ref.name);
      fctx.refProblem({ reason: 'BackendNotFound', message: `HTTPRouteFilter ${ns}/${ref.name} ${state === 'invalid' ? 'is invalid' : 'not found'}` }, field, 'filter-not-found');
      return;
    }
    const spec = filter.body.spec;
    if (spec.directResponse) {
      if (draft.direct) return fctx.invalid('more than one direct response in this rule', field, 'IncompatibleFilters');
      const d = spec.directResponse;
      draft.direct = { kind: 'direct', status: d.statusCode };
      if (d.body !== undefined) draft.direct.body = d.body;
      if (d.contentType) draft.direct.contentType = d.contentType;
    }
    if (spec.regexRewrite) {
      if (draft.rewrite) return fctx.invalid('regexRewrite conflicts with another path rewrite in this rule', field, 'IncompatibleFilters');
      const bad = regexProblem(spec.regexRewrite.pattern);
      if (bad) return fctx.invalid(`HTTPRouteFilter ${ns}/${ref.name}: regexRewrite.pattern: ${bad}`, field);
      const badSubstitution = headerSafeProblem(spec.regexRewrite.substitution);
      if (badSubstitution) return fctx.invalid(`HTTPRouteFilter ${ns}/${ref.name}: regexRewrite.substitution: ${badSubstitution}`, field);
      draft.rewrite = { type: 'regex', pattern: spec.regexRewrite.pattern, substitution: spec.regexRewrite.substitution };
    }
    if (spec.cors) {
      if (draft.cors) return fctx.invalid('more than one CORS policy in this rule', field, 'IncompatibleFilters');
      const c = spec.cors;
      draft.cors = { allowOrigins: c.allowOrigins };
      if (c.allowMethods) draft.cors.allowMethods = c.allowMethods;
      if (c.allowHeaders) draft.cors.allowHeaders = c.allowHeaders;
      if (c.exposeHeaders) draft.cors.exposeHeaders = c.exposeHeaders;
      if (c.allowCredentials !== undefined) draft.cors.allowCredentials = c.allowCredentials;
      if (c.maxAge !== undefined) draft.cors.maxAgeSeconds = c.maxAge;
    }
    if (spec.grpcJsonTranscoder) {
      if (draft.grpcJsonTranscoder) return fctx.invalid('more than one grpcJsonTranscoder in this rule', field, 'IncompatibleFilters');
      const t = resolveGrpcJsonTranscoder(fctx.ctx, filter, spec.grpcJsonTranscoder);
      if (!t.ok) {
        // Like an unresolvable filter: never skipped, the rule's requests get an error.
        draft.broken = true;
        fctx.refProblem({ reason: 'BackendNotFound', message: `HTTPRouteFilter ${ns}/${ref.name}: ${t.message}` }, field, 'invalid-filter');
        return;
      }
      draft.grpcJsonTranscoder = t.transcoder;
    }
  },
});
