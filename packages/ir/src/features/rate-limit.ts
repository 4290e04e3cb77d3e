// IR check of local rate limits (Route.rateLimit): whole, positive request and burst counts.
import type { IrFeatureCheck } from '../feature-check';

const positiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;

export const rateLimitCheck: IrFeatureCheck = {
  name: 'rate-limit',
  route(c, r, path) {
    if (!r.rateLimit) return;
    if (!positiveInteger(r.rateLimit.requests)) c.add('bad-number', `${path}.rateLimit.requests`, 'requests must be a whole number > 0');
    if (r.rateLimit.burst !== undefined && !positiveInteger(r.rateLimit.burst)) c.add('bad-number', `${path}.rateLimit.burst`, 'burst must be a whole number > 0');
  },
};
