// The header modifier config RequestHeaderModifier and ResponseHeaderModifier share.
import { z } from 'zod';
import { addedHeaderNameProblem, headerValueProblem, mutableHeaderNameProblem, type HeaderMutation } from '@tidegate/ir';
import { envoyRule } from '../common-schema';

export const headerNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, 'must be an HTTP header name');

/** A header Envoy may change (not `host` nor a pseudo-header). */
const mutableNameSchema = headerNameSchema.superRefine(envoyRule(mutableHeaderNameProblem));
const header = z.strictObject({ name: headerNameSchema.superRefine(envoyRule(addedHeaderNameProblem)), value: z.string().max(4096).superRefine(envoyRule(headerValueProblem)) });

export const headerModifierSchema = z.strictObject({
  set: z.array(header).max(16).optional(),
  add: z.array(header).max(16).optional(),
  remove: z.array(mutableNameSchema).max(16).optional(),
});

/** IR mutation with only the parts that are set. */
export function toHeaderMutation(m: z.output<typeof headerModifierSchema>): HeaderMutation {
  const out: HeaderMutation = {};
  if (m.add?.length) out.add = m.add.map((h) => ({ name: h.name, value: h.value }));
  if (m.set?.length) out.set = m.set.map((h) => ({ name: h.name, value: h.value }));
  if (m.remove?.length) out.remove = [...m.remove];
  return out;
}
