// The filters each route kind supports; adding one means adding a file and a line here.
import { cors } from './cors';
import { extensionRef } from './extension-ref';
import type { HttpFilter } from './filter';
import { requestHeaderModifier } from './request-header-modifier';
import { requestMirror } from './request-mirror';
import { requestRedirect } from './request-redirect';
import { responseHeaderModifier } from './response-header-modifier';
import { urlRewrite } from './url-rewrite';

/** HTTPRoute filters. */
export const HTTP_FILTERS: readonly HttpFilter[] = [
  requestHeaderModifier,
  responseHeaderModifier,
  requestRedirect,
  urlRewrite,
  requestMirror,
  cors,
  extensionRef,
];

/** GRPCRoute filters (Gateway API v1 GRPCRouteFilter types). */
export const GRPC_FILTERS: readonly HttpFilter[] = [requestHeaderModifier, responseHeaderModifier, requestMirror, extensionRef];

export { filterSchemaFor, type FilterSpec } from './filter-schema';
export type { FilterContext, HttpFilter, RuleDraft } from './filter';
