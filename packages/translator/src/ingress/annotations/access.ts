// Client IP allow and deny lists (403 for everyone else), per route.
import type { IpAccess } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { cidrList, read } from './values';

const ALLOW = annotation('whitelist-source-range', 'supported', 'only these client IPs / CIDR ranges reach the Ingress\'s routes; others get 403');
const DENY = annotation('denylist-source-range', 'supported', 'these client IPs / CIDR ranges get 403 (deny wins over allow)');

export const accessGroup: AnnotationGroup<IpAccess> = {
  id: 'access',
  annotations: [ALLOW, DENY],
  parse(a, ctx) {
    const access: IpAccess = {};
    const allow = read(a, ALLOW, ctx, cidrList);
    if (allow) access.allow = allow;
    const deny = read(a, DENY, ctx, cidrList);
    if (deny) access.deny = deny;
    return access.allow || access.deny ? access : undefined;
  },
  route(access, route) {
    route.ipAccess = access;
  },
};
