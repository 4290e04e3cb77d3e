// gateway.networking.k8s.io TLSRoute: passes TLS through to backends chosen by SNI.
import { z } from 'zod';
import { defineKind } from '../resources';
import { hostnameSchema, parentRefSchema, plainBackendRefSchema } from './common-schema';
import { GATEWAY_GROUP } from './constants';

export const TLSRouteKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'TLSRoute',
  versions: ['v1alpha2', 'v1alpha3', 'v1'],
  body: z.strictObject({
    spec: z.strictObject({
      parentRefs: z.array(parentRefSchema).max(32).optional(),
      hostnames: z.array(hostnameSchema).max(16).optional(),
      rules: z
        .array(z.strictObject({ name: z.string().min(1).optional(), backendRefs: z.array(plainBackendRefSchema).min(1).max(16) }))
        .min(1)
        .max(16),
    }),
  }),
});
