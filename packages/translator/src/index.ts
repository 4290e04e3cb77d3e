export * from './envoy';
export * from './gateway-api';
export * from './registry';
export * from './ingress';
export { checkObjectSchema } from './object-check';
export { CHECK_FAILED_CODE, checkedProxyGroup, leftOutMessage, originKey, routeOrigin, withoutObjects, type CheckedGroup, type LeftOut, type RouteOrigin } from './resources';
