// The contract every HTTPRoute filter implements, and the rule draft filters write into.
import type { z } from 'zod';
import type { CorsPolicy, DirectResponseAction, GrpcJsonTranscoder, HeaderMutation, Mirror, PathRewrite, RedirectAction, WeightedBackend } from '@tidegate/ir';
import type { Problem, Resource } from '../../resources';
import type { RouteBackendResolution } from '../backend-refs';
import type { BackendObjectRef } from '../common-schema';
import type { Context } from '../context';
import type { Needs } from '../proxy-group-builder';

/** What a rule's filters decided so far; the rule turns it into IR routes. */
export interface RuleDraft {
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
  redirect?: RedirectAction;
  direct?: DirectResponseAction;
  rewrite?: PathRewrite;
  hostRewrite?: string;
  mirrors: Mirror[];
  cors?: CorsPolicy;
  /** JSON clients call the backends' gRPC methods; the backends then speak HTTP/2 as for GRPCRoute. */
  grpcJsonTranscoder?: GrpcJsonTranscoder;
  /** Set by filters that rewrite "the matched prefix": every match must then be a PathPrefix. */
  needsPrefixMatch?: string;
  /** A filter could not be resolved: requests this rule takes must get an error (500) instead. */
  broken?: boolean;
  needs: Needs;
}

/** What a filter may use and report while applying itself. */
export interface FilterContext {
  ctx: Context;
  route: Resource<unknown>;
  /** Field path of the filter, e.g. `spec.rules[0].filters[1]`. */
  path: string;
  /** Resolves a backendRef written in this route (ReferenceGrant, BackendTLSPolicy and protocol defaults applied). */
  resolveBackend(ref: BackendObjectRef): RouteBackendResolution;
  /** A reference did not resolve: the route's ResolvedRefs turns False. */
  refProblem(problem: Problem, field: string, code: string): void;
  /**
   * The rule cannot be served as written: it is left out (PartiallyInvalid, or
   * Accepted False if no rule remains). `reason` defaults to UnsupportedValue.
   */
  invalid(message: string, field: string, reason?: string): void;
}

/** One HTTPRoute filter type: its config schema and how it changes a rule (or one backendRef). */
export interface HttpFilter {
  /** `type` value in Gateway API, e.g. `RequestHeaderModifier`. */
  type: string;
  /** The field holding its config, e.g. `requestHeaderModifier`. */
  field: string;
  schema: z.ZodType;
  /** Gateway API allows it once per rule (ExtensionRef may repeat). */
  repeatable?: boolean;
  apply(config: unknown, draft: RuleDraft, fctx: FilterContext): void;
  /** Absent when the filter is not supported on a backendRef. */
  applyToBackend?(config: unknown, backend: WeightedBackend): void;
}

/** Declares a filter with its config type inferred from the schema. */
export function defineFilter<S extends z.ZodType>(f: {
  type: string;
  field: string;
  schema: S;
  repeatable?: boolean;
  apply(config: z.output<S>, draft: RuleDraft, fctx: FilterContext): void;
  applyToBackend?(config: z.output<S>, backend: WeightedBackend): void;
}): HttpFilter {
  return f as unknown as HttpFilter;
}
