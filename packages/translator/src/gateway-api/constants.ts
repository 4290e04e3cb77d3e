// Gateway API names used across the translator.

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export { TIDEGATE_GROUP } from '../resources';
