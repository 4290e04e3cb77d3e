// Schema of gateway.networking.k8s.io HTTPRoute (v1), including the experimental `retry` and `sessionPersistence` stanzas.
import { z } from 'zod';
import { defineKind, durationMs } from '../resources';
import { backendObjectRefFields, hostnameSchema, parentRefSchema, ruleNamesUnique, sectionNameSchema, sessionPersistenceSchema, weightSchema } from './common-schema';
import { GATEWAY_GROUP } from './constants';
import { HTTP_FILTERS, filterSchemaFor, type FilterSpec } from './filters';
import { headerNameSchema } from './filters/header-mutation';

const pathMatch = z
  .strictObject({
    type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']).optional(),
    value: z.string().max(1024).optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.type ?? 'PathPrefix') !== 'RegularExpression' && p.value !== undefined && !p.value.startsWith('/')) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must start with "/"' });
    }
  });

const headerMatch = z.strictObject({
  type: z.enum(['Exact', 'RegularExpression']).optional(),
  name: headerNameSchema,
  value: z.string().max(4096),
});

const queryParamMatch = z.strictObject({
  type: z.enum(['Exact', 'RegularExpression']).optional(),
  name: z.string().min(1).max(256),
  value: z.string().max(1024),
});

export const httpRouteMatchSchema = z.strictObject({
  path: pathMatch.optional(),
  headers: z.array(headerMatch).max(16).optional(),
  queryParams: z.array(queryParamMatch).max(16).optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']).optional(),
});

export type HttpRouteMatchSpec = z.output<typeof httpRouteMatchSchema>;

const filterSchema = filterSchemaFor(HTTP_FILTERS);

export type HttpFilterSpec = FilterSpec;

const httpBackendRef = z.strictObject({
  ...backendObjectRefFields,
  weight: weightSchema.optional(),
  filters: z.array(filterSchema).max(16).optional(),
});

export const httpRouteRuleSchema = z.strictObject({
  name: sectionNameSchema.optional(),
  matches: z.array(httpRouteMatchSchema).max(64).optional(),
  filters: z.array(filterSchema).max(16).optional(),
  backendRefs: z.array(httpBackendRef).max(16).optional(),
  timeouts: z
    .strictObject({ request: durationMs.optional(), backendRequest: durationMs.optional() })
    .refine((t) => !(t.request && t.backendRequest !== undefined && t.backendRequest > t.request), {
      message: 'backendRequest timeout cannot be longer than request timeout',
    })
    .optional(),
  retry: z
    .strictObject({
      codes: z
        .array(z.number().int().min(400).max(599))
        .refine((c) => new Set(c).size === c.length, { message: 'codes must not repeat' })
        .optional(),
      attempts: z.number().int().min(0).optional(),
      backoff: durationMs.optional(),
    })
    .optional(),
  sessionPersistence: sessionPersistenceSchema.optional(),
});

export type HttpRouteRuleSpec = z.output<typeof httpRouteRuleSchema>;

export const HTTPRouteKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'HTTPRoute',
  versions: ['v1', 'v1beta1'],
  body: z.strictObject({
    spec: z.strictObject({
      parentRefs: z.array(parentRefSchema).max(32).optional(),
      hostnames: z.array(hostnameSchema).max(16).optional(),
      rules: z.array(httpRouteRuleSchema).max(16).superRefine(ruleNamesUnique).optional(),
    }),
  }),
});

export type HttpRouteSpec = z.output<typeof HTTPRouteKind.body>['spec'];
