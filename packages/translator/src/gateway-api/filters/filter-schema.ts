// The `{ type, <field>: config }` union schema of a route kind's filters, built from a filter list.
import { z } from 'zod';
import type { HttpFilter } from './filter';

/** A filter as parsed: its `type` plus the one config field that type names. */
export type FilterSpec = { type: string } & Record<string, unknown>;

/**
 * Exactly the field that `type` names must be set. Built from the list so a
 * route kind (HTTPRoute, GRPCRoute) accepts only its own filter types and a
 * new filter needs no change here.
 */
export function filterSchemaFor(filters: readonly HttpFilter[]): z.ZodType<FilterSpec> {
  return z
    .strictObject({
      type: z.enum(filters.map((f) => f.type) as [string, ...string[]]),
      ...Object.fromEntries(filters.map((f) => [f.field, f.schema.optional()])),
    })
    .superRefine((f, ctx) => {
      const own = filters.find((h) => h.type === f.type);
      for (const h of filters) {
        const set = (f as Record<string, unknown>)[h.field] !== undefined;
        if (h === own && !set) ctx.addIssue({ code: 'custom', path: [h.field], message: `required when type is ${f.type}` });
        if (h !== own && set) ctx.addIssue({ code: 'custom', path: [h.field], message: `must not be set when type is ${f.type}` });
      }
    }) as unknown as z.ZodType<FilterSpec>;
}
