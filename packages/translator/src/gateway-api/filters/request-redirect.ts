// RequestRedirect: answer with a redirect (scheme, host, port, path, status code).
import { z } from 'zod';
import type { RedirectAction } from '@tidegate/ir';
import { hostnameSchema, portSchema } from '../common-schema';
import { defineFilter } from './filter';
import { pathModifierSchema, toPathReplacement } from './path-modifier';

export const requestRedirect = defineFilter({
  type: 'RequestRedirect',
  field: 'requestRedirect',
  schema: z.strictObject({
    scheme: z.enum(['http', 'https']).optional(),
    hostname: hostnameSchema.optional(),
    path: pathModifierSchema.optional(),
    port: portSchema.optional(),
    statusCode: z.literal([301, 302, 303, 307, 308]).optional(),
  }),
  apply(config, draft) {
    // Gateway API's default redirect status is 302.
    const action: RedirectAction = { kind: 'redirect', statusCode: config.statusCode ?? 302 };
    if (config.scheme) action.scheme = config.scheme;
    if (config.hostname) action.host = config.hostname;
    if (config.port !== undefined) action.port = config.port;
    if (config.path) {
      action.path = toPathReplacement(config.path);
      if (config.path.type === 'ReplacePrefixMatch') draft.needsPrefixMatch = 'RequestRedirect with ReplacePrefixMatch';
    }
    draft.redirect = action;
  },
});
