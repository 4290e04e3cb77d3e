// Public API of the Gateway API translator.
export { translateGatewayApi, GATEWAY_API_KINDS } from './translate';
export { GatewayTranslationCache } from './translation-cache';
export type { TranslateOptions, TranslationResult } from './types';
export { parseAddressPool, type AddressPool } from './address-pool';
export { addressesOverlap, groupSocketClaims, type SocketClaim } from './socket-claims';
export type { TranslationError, ObjectRef } from '../resources';
