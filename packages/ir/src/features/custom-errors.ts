// IR check of custom error pages (Route.customErrors): an existing error backend and 4xx/5xx codes.
import type { IrFeatureCheck } from '../feature-check';

export const customErrorsCheck: IrFeatureCheck = {
  name: 'custom-errors',
  route(c, r, path) {
    if (!r.customErrors) return;
    c.backendRef(r.customErrors.backend, `${path}.customErrors.backend`);
    r.customErrors.statusCodes.forEach((code, i) => {
      if (!(Number.isInteger(code) && code >= 400 && code <= 599)) c.add('bad-status', `${path}.customErrors.statusCodes[${i}]`, `${code} is not in 400-599`);
    });
  },
};
