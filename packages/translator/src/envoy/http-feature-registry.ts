// The one list of HTTP-filter features. Adding a feature: its module (http-feature.ts contract) and one line here.
import { apiKeyAuthFeature } from './api-key-auth';
import { basicAuthFeature } from './basic-auth';
import { bodyLimitFeature } from './body-limit';
import { compressionFeature } from './compression';
import { corsFeature } from './cors';
import { customErrorsFeature } from './custom-errors';
import { externalAuthFeature } from './external-auth';
import { FILTER_PHASES, type HttpFeature } from './http-feature';
import { grpcJsonTranscoderFeature } from './grpc-json-transcoder';
import { ipAccessFeature } from './ip-access';
import { jwtAuthnFeature } from './jwt-authn';
import { rateLimitFeature } from './rate-limit';
import { sessionPersistenceFeature } from './session-persistence';

/**
 * Every feature, in registry order. The filter chain is ordered by phase (FILTER_PHASES in
 * http-feature.ts: error-pages → cors → rate-limit → client-ip → authn → authz → waf →
 * buffer → upstream → encoding → transform → router); features of one phase keep the order
 * below (JWT, then API keys, then basic auth, then external auth). Registry order is also the order of a route's and
 * a virtual host's `typed_per_filter_config` entries.
 */
export const HTTP_FEATURES: readonly HttpFeature[] = [
  corsFeature,
  customErrorsFeature,
  rateLimitFeature,
  ipAccessFeature,
  jwtAuthnFeature,
  apiKeyAuthFeature,
  basicAuthFeature,
  externalAuthFeature,
  bodyLimitFeature,
  sessionPersistenceFeature,
  compressionFeature,
  grpcJsonTranscoderFeature,
];

const phaseIndex = (f: HttpFeature): number => FILTER_PHASES.indexOf(f.phase);

/** The features in filter-chain order (by phase, then registry order; `sort` is stable). */
export const CHAIN_ORDER: readonly HttpFeature[] = [...HTTP_FEATURES].sort((a, b) => phaseIndex(a) - phaseIndex(b));
