// gateway.networking.k8s.io TCPRoute (v1, v1alpha2): forwards a TCP listener's connections.
import { z } from 'zod';
import { defineKind } from '../resources';
import { parentRefSchema, plainBackendRefSchema } from './common-schema';
import { GATEWAY_GROUP } from './constants';

export const TCPRouteKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'TCPRoute',
  versions: ['v1', 'v1alpha2'],
  body: z.strictObject({
    spec: z.strictObject({
      parentRefs: z.array(parentRefSchema).max(32).optional(),
      rules: z
        .array(z.strictObject({ name: z.string().min(1).optional(), backendRefs: z.array(plainBackendRefSchema).min(1).max(16) }))
        .min(1)
        .max(16),
    }),
  }),
});
