// CORS (Gateway API v1.3+ HTTPRoute filter): which origins, methods and headers cross-origin requests may use.
import { z } from 'zod';
import type { CorsPolicy } from '@tidegate/ir';
import { headerNameSchema } from './header-mutation';
import { defineFilter } from './filter';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** `*`, or `<scheme>://<host>[:<port>]` where the host may start with a `*` label (greedy to the left). */
const originSchema = z
  .string()
  .max(253)
  .regex(
    /^(\*|https?:\/\/(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?)$/,
    'must be "*" or <scheme>://<host>[:<port>] (http or https; the host may start with "*.")',
  );

/** A list where `*` must stand alone. */
const wildcardList = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max)
    .refine((xs) => !((xs as string[]).includes('*') && xs.length > 1), { message: `${what} cannot contain "*" alongside other values` })
    .refine((xs) => new Set(xs).size === xs.length, { message: `${what} must not repeat a value` });

export const cors = defineFilter({
  type: 'CORS',
  field: 'cors',
  schema: z.strictObject({
    allowOrigins: wildcardList(originSchema, 64, 'allowOrigins').optional(),
    allowCredentials: z.boolean().optional(),
    allowMethods: wildcardList(z.enum([...METHODS, '*']), 9, 'allowMethods').optional(),
    allowHeaders: wildcardList(headerNameSchema.or(z.literal('*')), 64, 'allowHeaders').optional(),
    exposeHeaders: z.array(headerNameSchema.or(z.literal('*'))).max(64).optional(),
    maxAge: z.number().int().min(1).optional(),
  }),
  apply(config, draft, fctx) {
    if (draft.cors) {
      fctx.invalid('a CORS filter and an HTTPRouteFilter with cors cannot be used in the same rule', '.cors', 'IncompatibleFilters');
      return;
    }
    const policy: CorsPolicy = { allowOrigins: [...(config.allowOrigins ?? [])] };
    const credentials = config.allowCredentials === true;
    // "*" stays "*": with credentials the Envoy side answers a preflight with what it asked for.
    if (config.allowMethods?.length) policy.allowMethods = [...config.allowMethods];
    if (config.allowHeaders?.length) policy.allowHeaders = [...config.allowHeaders];
    if (config.exposeHeaders?.length) policy.exposeHeaders = [...config.exposeHeaders];
    if (credentials) policy.allowCredentials = true;
    // Gateway API's default Access-Control-Max-Age is 5 seconds.
    policy.maxAgeSeconds = config.maxAge ?? 5;
    draft.cors = policy;
  },
});
