// IR check of client IP allow and deny lists (Route.ipAccess): every entry an address or CIDR range.
import type { IrFeatureCheck } from '../feature-check';

export const ipAccessCheck: IrFeatureCheck = {
  name: 'ip-access',
  route(c, r, path) {
    r.ipAccess?.allow?.forEach((cidr, i) => c.cidr(cidr, `${path}.ipAccess.allow[${i}]`));
    r.ipAccess?.deny?.forEach((cidr, i) => c.cidr(cidr, `${path}.ipAccess.deny[${i}]`));
  },
};
