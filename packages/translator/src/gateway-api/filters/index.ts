// The HTTPRoute filters Tidegate supports; adding one means adding a file and a line here.
import { extensionRef } from './extension-ref';
import type { HttpFilter } from './filter';
import { requestHeaderModifier } from './request-header-modifier';
import { requestMirror } from './request-mirror';
import { requestRedirect } from './request-redirect';
import { responseHeaderModifier } from './response-header-modifier';
import { urlRewrite } from './url-rewrite';

export const HTTP_FILTERS: readonly HttpFilter[] = [
  requestHeaderModifier,
  responseHeaderModifier,
  requestRedirect,
  urlRewrite,
  requestMirror,
  extensionRef,
];

export type { FilterContext, HttpFilter, RuleDraft } from './filter';
