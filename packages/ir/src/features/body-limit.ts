// IR check of request body limits (HttpListener and Route maxRequestBodyBytes).
import type { IrFeatureCheck } from '../feature-check';

export const bodyLimitCheck: IrFeatureCheck = {
  name: 'body-limit',
  listener: (c, l, path) => c.nonNegative(l.maxRequestBodyBytes, `${path}.maxRequestBodyBytes`),
  route: (c, r, path) => c.nonNegative(r.maxRequestBodyBytes, `${path}.maxRequestBodyBytes`),
};
