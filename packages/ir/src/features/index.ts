// Every IR feature check, in the order validate() runs them (the order their issues are listed).
import type { IrFeatureCheck } from '../feature-check';
import { apiKeyAuthCheck } from './api-key-auth';
import { bodyLimitCheck } from './body-limit';
import { customErrorsCheck } from './custom-errors';
import { externalAuthCheck } from './external-auth';
import { grpcJsonTranscoderCheck } from './grpc-json-transcoder';
import { ipAccessCheck } from './ip-access';
import { jwtAuthnCheck, jwksProblem } from './jwt-authn';
import { rateLimitCheck } from './rate-limit';
import { sessionPersistenceCheck } from './session-persistence';

export { apiKeyAuthCheck, bodyLimitCheck, customErrorsCheck, externalAuthCheck, grpcJsonTranscoderCheck, ipAccessCheck, jwksProblem, jwtAuthnCheck, rateLimitCheck, sessionPersistenceCheck };

/** The checks `validateProxyGroup` runs on every HTTP listener and route (each Envoy feature names its own). */
export const IR_FEATURE_CHECKS: readonly IrFeatureCheck[] = [
  sessionPersistenceCheck,
  bodyLimitCheck,
  ipAccessCheck,
  rateLimitCheck,
  jwtAuthnCheck,
  apiKeyAuthCheck,
  externalAuthCheck,
  customErrorsCheck,
  grpcJsonTranscoderCheck,
];
