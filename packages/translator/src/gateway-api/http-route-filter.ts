// Tidegate's HTTPRouteFilter (tidegate.io/v1alpha1): what an ExtensionRef filter can add to a rule.
import { z } from 'zod';
import { defineKind, durationMs } from '../resources';
import { TIDEGATE_GROUP } from './constants';
import { grpcJsonTranscoderSchema } from './grpc-json-transcoder';

export const HTTPRouteFilterKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: 'HTTPRouteFilter',
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z
      .strictObject({
        directResponse: z
          .strictObject({
            statusCode: z.number().int().min(200).max(599),
            body: z.string().optional(),
            contentType: z.string().min(1).optional(),
          })
          .optional(),
        regexRewrite: z.strictObject({ pattern: z.string().min(1), substitution: z.string() }).optional(),
        cors: z
          .strictObject({
            allowOrigins: z.array(z.string().min(1)).min(1),
            allowMethods: z.array(z.string().min(1)).optional(),
            allowHeaders: z.array(z.string().min(1)).optional(),
            exposeHeaders: z.array(z.string().min(1)).optional(),
            allowCredentials: z.boolean().optional(),
            /** Seconds, or a duration such as "10m". */
            maxAge: z.union([z.number().int().nonnegative(), durationMs.transform((ms) => Math.floor(ms / 1000))]).optional(),
          })
          .optional(),
        grpcJsonTranscoder: grpcJsonTranscoderSchema.optional(),
      })
      .refine((s) => s.directResponse || s.regexRewrite || s.cors || s.grpcJsonTranscoder, {
        message: 'set at least one of directResponse, regexRewrite, cors, grpcJsonTranscoder',
      }),
  }),
});

export type HTTPRouteFilterSpec = z.output<typeof HTTPRouteFilterKind.body>['spec'];
