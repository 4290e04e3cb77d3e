// Zod schemas for the small types Gateway API kinds share (hostnames, parent and backend references).
import { z } from 'zod';
import { durationMs } from '../resources';
import { GATEWAY_GROUP } from './constants';

export const hostnameSchema = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS name, optionally starting with "*."');

export const sectionNameSchema = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS label');

/** Refines a string schema with one of @tidegate/ir's Envoy string rules, so Envoy's verdict shows at the field. */
export function envoyRule(problem: (value: string) => string | undefined): (value: string, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  };
}

/** targetRefs of a Tidegate policy naming Gateway API objects of `kinds` (a listener or rule by sectionName); at least one. */
export function gatewayTargetRefs<const K extends readonly [string, ...string[]]>(kinds: K) {
  return z
    .array(
      z.strictObject({
        group: z.literal(GATEWAY_GROUP).optional(),
        kind: z.enum(kinds),
        name: z.string().min(1),
        /** A listener of a Gateway, or a named rule of a route; absent means the whole object. */
        sectionName: sectionNameSchema.optional(),
      }),
    )
    .min(1);
}

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

/** A route's rules: a rule `name`, when set, is unique within the route. */
export function ruleNamesUnique(rules: ReadonlyArray<{ name?: string | undefined }>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (r.name === undefined) return;
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `rule name "${r.name}" is used twice` });
    seen.add(r.name);
  });
}

/** Gateway API's experimental `sessionPersistence` stanza (HTTPRoute and GRPCRoute rules). */
export const sessionPersistenceSchema = z.strictObject({
  sessionName: z.string().max(128).optional(),
  absoluteTimeout: durationMs.optional(),
  idleTimeout: durationMs.optional(),
  type: z.enum(['Cookie', 'Header']).optional(),
  cookieConfig: z.strictObject({ lifetimeType: z.enum(['Permanent', 'Session']).optional() }).optional(),
});
