// RequestMirror: copy a share of requests to another backend (percent or fraction).
import { z } from 'zod';
import { backendObjectRefSchema } from '../common-schema';
import { reasonCode } from '../problems';
import { defineFilter } from './filter';

export const requestMirror = defineFilter({
  type: 'RequestMirror',
  field: 'requestMirror',
  schema: z
    .strictObject({
      backendRef: backendObjectRefSchema,
      percent: z.number().int().min(0).max(100).optional(),
      fraction: z
        .strictObject({ numerator: z.number().int().min(0), denominator: z.number().int().min(1).optional() })
        .refine((f) => f.numerator <= (f.denominator ?? 100), { message: 'numerator must not exceed denominator' })
        .optional(),
    })
    .refine((m) => m.percent === undefined || m.fraction === undefined, { message: 'set percent or fraction, not both' }),
  // Several mirrors per rule are allowed (Gateway API v1.3+).
  repeatable: true,
  apply(config, draft, fctx) {
    const r = fctx.resolveBackend(config.backendRef);
    if (!r.ok) {
      // The mirror is dropped; the rule still serves its main traffic.
      if (!r.unusable) fctx.refProblem(r.problem, '.requestMirror.backendRef', reasonCode(r.problem.reason));
      return;
    }
    const percent = config.fraction ? (100 * config.fraction.numerator) / (config.fraction.denominator ?? 100) : (config.percent ?? 100);
    draft.mirrors.push({ backend: r.backend.name, percent });
    draft.needs.backends.push(r.backend);
    draft.needs.secrets.push(...r.secrets);
  },
});
