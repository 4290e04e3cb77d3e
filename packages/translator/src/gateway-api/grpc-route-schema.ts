// Schema of gateway.networking.k8s.io GRPCRoute (v1): service/method and header matches, filters, weighted backends.
import { z } from 'zod';
import { defineKind } from '../resources';
import { backendObjectRefFields, hostnameSchema, parentRefSchema, ruleNamesUnique, sectionNameSchema, sessionPersistenceSchema, weightSchema } from './common-schema';
import { GATEWAY_GROUP } from './constants';
import { GRPC_FILTERS, filterSchemaFor } from './filters';
import { headerNameSchema } from './filters/header-mutation';

/** Exact service names: dotted identifiers, optionally starting with a dot (case-insensitive). */
const EXACT_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const EXACT_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

const methodMatch = z
  .strictObject({
    type: z.enum(['Exact', 'RegularExpression']).optional(),
    service: z.string().min(1).max(1024).optional(),
    method: z.string().min(1).max(1024).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.service === undefined && m.method === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: "one or both of 'service' or 'method' must be specified" });
    }
    if ((m.type ?? 'Exact') !== 'Exact') return;
    if (m.service !== undefined && !EXACT_SERVICE.test(m.service)) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'must be a gRPC service name such as "helloworld.Greeter"' });
    }
    if (m.method !== undefined && !EXACT_METHOD.test(m.method)) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: 'must be a gRPC method name such as "SayHello"' });
    }
  });

const headerMatch = z.strictObject({
  type: z.enum(['Exact', 'RegularExpression']).optional(),
  name: headerNameSchema,
  value: z.string().min(1).max(4096),
});

export const grpcRouteMatchSchema = z.strictObject({
  method: methodMatch.optional(),
  headers: z.array(headerMatch).max(16).optional(),
});

export type GrpcRouteMatchSpec = z.output<typeof grpcRouteMatchSchema>;

const filterSchema = filterSchemaFor(GRPC_FILTERS);

export const grpcRouteRuleSchema = z.strictObject({
  name: sectionNameSchema.optional(),
  matches: z.array(grpcRouteMatchSchema).max(8).optional(),
  filters: z.array(filterSchema).max(16).optional(),
  backendRefs: z
    .array(z.strictObject({ ...backendObjectRefFields, weight: weightSchema.optional(), filters: z.array(filterSchema).max(16).optional() }))
    .max(16)
    .optional(),
  sessionPersistence: sessionPersistenceSchema.optional(),
});

export type GrpcRouteRuleSpec = z.output<typeof grpcRouteRuleSchema>;

export const GRPCRouteKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'GRPCRoute',
  versions: ['v1'],
  body: z.strictObject({
    spec: z.strictObject({
      parentRefs: z.array(parentRefSchema).max(32).optional(),
      hostnames: z.array(hostnameSchema).max(16).optional(),
      rules: z
        .array(grpcRouteRuleSchema)
        .max(16)
        .superRefine(ruleNamesUnique)
        .refine((rules) => rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0) <= 128, {
          message: 'the total number of matches across all rules must not exceed 128',
        })
        .optional(),
    }),
  }),
});

export type GrpcRouteSpec = z.output<typeof GRPCRouteKind.body>['spec'];
