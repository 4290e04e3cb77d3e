// State shared by the stages of one translation run.
import type { ErrorSink, ResourceIndex, ServiceBackends } from '../resources';
import type { BackendTlsPolicies } from './backend-tls-policy';
import type { GatewayState } from './gateway-state';
import type { TranslateOptions } from './types';

export interface Context {
  index: ResourceIndex;
  sink: ErrorSink;
  options: TranslateOptions;
  services: ServiceBackends;
  /** BackendTLSPolicy: TLS settings layered on the Service backends. */
  backendTls: BackendTlsPolicies;
  /** Our accepted-class Gateways by `namespace/name`. */
  gateways: Map<string, GatewayState>;
}
