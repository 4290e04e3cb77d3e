// Core ConfigMaps: string data other kinds point at (ingress-nginx keeps header lists in them).
import { z } from 'zod';
import { defineKind } from './kind-schema';

export const ConfigMapKind = defineKind({
  group: '',
  kind: 'ConfigMap',
  versions: ['v1'],
  body: z.strictObject({
    data: z.record(z.string(), z.string()).optional(),
    binaryData: z.record(z.string(), z.string()).optional(),
    immutable: z.boolean().optional(),
  }),
});
