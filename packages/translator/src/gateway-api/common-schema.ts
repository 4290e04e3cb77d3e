// Zod schemas for the small types Gateway API kinds share (hostnames, parent and backend references).
import { z } from 'zod';

export const hostnameSchema = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS name, optionally starting with "*."');

export const sectionNameSchema = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS label');

export const portSchema = z.number().int().min(1).max(65535);

export const parentRefSchema = z.strictObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1),
  sectionName: sectionNameSchema.optional(),
  port: portSchema.optional(),
});

export type ParentRef = z.output<typeof parentRefSchema>;

export const backendObjectRefFields = {
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  port: portSchema.optional(),
};

export const backendObjectRefSchema = z.strictObject(backendObjectRefFields);
export type BackendObjectRef = z.output<typeof backendObjectRefSchema>;

export const weightSchema = z.number().int().min(0).max(1_000_000);

/** A backendRef as TCPRoute and TLSRoute write it (no filters). */
export const plainBackendRefSchema = z.strictObject({ ...backendObjectRefFields, weight: weightSchema.optional() });
