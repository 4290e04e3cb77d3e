// IR check of external authentication (Route.externalAuth): the auth service is a backend of the group.
import type { IrFeatureCheck } from '../feature-check';

export const externalAuthCheck: IrFeatureCheck = {
  name: 'external-auth',
  route(c, r, path) {
    if (r.externalAuth) c.backendRef(r.externalAuth.backend, `${path}.externalAuth.backend`);
  },
};
