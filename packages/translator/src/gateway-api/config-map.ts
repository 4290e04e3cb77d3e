// Core ConfigMaps, read for CA bundles (`ca.crt`) that BackendTLSPolicy and client validation reference.
import { z } from 'zod';
import { defineKind } from '../resources';

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
