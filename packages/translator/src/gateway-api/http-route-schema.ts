// Schema of gateway.networking.k8s.io HTTPRoute (v1), including the experimental `retry` stanza.
import { z } from 'zod';
import { defineKind, durationMs } from '../resources';
import { backendObjectRefFields, hostnameSchema, parentRefSchema, weightSchema } from './common-schema';
import { GATEWAY_GROUP } from './constants';
import { HTTP_FILTERS } from './filters';
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

/**
 * `{ type, <field>: config }` where exactly the field that `type` names is set.
 * Built from the filter registry so a new filter needs no change here.
 */
const filterSchema = z
  .strictObject({
    type: z.enum(HTTP_FILTERS.map((f) => f.type) as [string, ...string[]]),
    ...Object.fromEntries(HTTP_FILTERS.map((f) => [f.field, f.schema.optional()])),
  })
  .superRefine((f, ctx) => {
    const own = HTTP_FILTERS.find((h) => h.type === f.type);
    for (const h of HTTP_FILTERS) {
      const set = (f as Record<string, unknown>)[h.field] !== undefined;
      if (h === own && !set) ctx.addIssue({ code: 'custom', path: [h.field], message: `required when type is ${f.type}` });
      if (h !== own && set) ctx.addIssue({ code: 'custom', path: [h.field], message: `must not be set when type is ${f.type}` });
    }
  });

export type HttpFilterSpec = { type: string } & Record<string, unknown>;

const httpBackendRef = z.strictObject({
  ...backendObjectRefFields,
  weight: weightSchema.optional(),
  filters: z.array(filterSchema).max(16).optional(),
});

export const httpRouteRuleSchema = z.strictObject({
  name: z.string().min(1).optional(),
  matches: z.array(httpRouteMatchSchema).max(64).optional(),
  filters: z.array(filterSchema).max(16).optional(),
  backendRefs: z.array(httpBackendRef).max(16).optional(),
  timeouts: z.strictObject({ request: durationMs.optional(), backendRequest: durationMs.optional() }).optional(),
  retry: z
    .strictObject({
      codes: z.array(z.number().int().min(400).max(599)).optional(),
      attempts: z.number().int().min(0).optional(),
      backoff: durationMs.optional(),
    })
    .optional(),
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
      rules: z.array(httpRouteRuleSchema).max(16).optional(),
    }),
  }),
});

export type HttpRouteSpec = z.output<typeof HTTPRouteKind.body>['spec'];
