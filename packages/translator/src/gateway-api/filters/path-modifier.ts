// The path modifier RequestRedirect and URLRewrite share: ReplaceFullPath or ReplacePrefixMatch.
import { z } from 'zod';

export const pathModifierSchema = z
  .strictObject({
    type: z.enum(['ReplaceFullPath', 'ReplacePrefixMatch']),
    replaceFullPath: z.string().max(1024).optional(),
    replacePrefixMatch: z.string().max(1024).optional(),
  })
  .superRefine((p, ctx) => {
    const field = p.type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
    const other = p.type === 'ReplaceFullPath' ? 'replacePrefixMatch' : 'replaceFullPath';
    if (p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required when type is ${p.type}` });
    if (p[other] !== undefined) ctx.addIssue({ code: 'custom', path: [other], message: `must not be set when type is ${p.type}` });
  });

export type PathModifier = z.output<typeof pathModifierSchema>;

/** IR form: the whole path, or the matched prefix, replaced. */
export function toPathReplacement(p: PathModifier): { type: 'full'; value: string } | { type: 'prefix'; value: string } {
  return p.type === 'ReplaceFullPath'
    ? { type: 'full', value: p.replaceFullPath ?? '/' }
    : { type: 'prefix', value: p.replacePrefixMatch ?? '/' };
}
