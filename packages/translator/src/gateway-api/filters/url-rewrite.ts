// URLRewrite: rewrite the Host header and/or the path before forwarding.
import { z } from 'zod';
import { hostnameSchema } from '../common-schema';
import { defineFilter } from './filter';
import { pathModifierSchema, toPathReplacement } from './path-modifier';

export const urlRewrite = defineFilter({
  type: 'URLRewrite',
  field: 'urlRewrite',
  schema: z.strictObject({ hostname: hostnameSchema.optional(), path: pathModifierSchema.optional() }),
  apply(config, draft, fctx) {
    if (config.hostname) draft.hostRewrite = config.hostname;
    if (!config.path) return;
    if (draft.rewrite) {
      fctx.invalid('URLRewrite path conflicts with another path rewrite in this rule', '.urlRewrite.path', 'IncompatibleFilters');
      return;
    }
    draft.rewrite = toPathReplacement(config.path);
    if (config.path.type === 'ReplacePrefixMatch') draft.needsPrefixMatch = 'URLRewrite with ReplacePrefixMatch';
  },
});
