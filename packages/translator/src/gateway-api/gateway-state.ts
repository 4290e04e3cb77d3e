// What the translator knows about one Gateway and its listeners while routes attach to it.
import type { Secret, TlsCertificateRef } from '@tidegate/ir';
import type { LabelSelector, Problem, Resource } from '../resources';
import type { GatewaySpec, ListenerSpec } from './gateway-schema';
import type { ProxyGroupBuilder } from './proxy-group-builder';

export interface RouteGroupKind {
  group: string;
  kind: string;
}

export interface ListenerState {
  gateway: GatewayState;
  index: number;
  spec: ListenerSpec;
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  /** Why the listener is not Accepted. */
  notAccepted?: Problem;
  conflicted?: Problem;
  /** OverlappingTLSConfig (negative polarity: only ever reported True). */
  overlappingTls?: Problem;
  /** Why ResolvedRefs is False (bad certificate or route kind). */
  refsProblem?: Problem;
  /** Why the listener is not Programmed though accepted (no usable certificate, policy failure). */
  notProgrammed?: Problem;
  supportedKinds: RouteGroupKind[];
  namespaces: { from: 'All' | 'Same' | 'Selector'; selector?: LabelSelector };
  certificates: Array<{ ref: TlsCertificateRef; secret: Secret }>;
  /** CA bundle client certificates must chain to (Gateway spec.tls.frontend). */
  clientCa?: Secret;
  /** Frontend validation mode AllowInsecureFallback: clients without a valid certificate get through. */
  clientCaFallback?: boolean;
  /** Keys of the routes attached here (a route counts once however many parentRefs lead here). */
  attachedRoutes: Set<string>;
}

export interface GatewayState {
  res: Resource<{ spec: GatewaySpec }>;
  /** `namespace/name`: also the ProxyGroup name. */
  key: string;
  /** IPs every listener binds (spec.addresses, else the default listen address). */
  addresses: string[];
  notAccepted?: Problem;
  /** Gateway-level references (spec.tls.backend.clientCertificateRef) that did not resolve. */
  refsProblem?: Problem;
  /** spec.tls.frontend configures AllowInsecureFallback (condition InsecureFrontendValidationMode). */
  insecureFrontend?: boolean;
  listeners: ListenerState[];
  builder: ProxyGroupBuilder;
}

/** Routes may attach: accepted and not conflicted. */
export const listenerUsable = (l: ListenerState): boolean => !l.notAccepted && !l.conflicted;

/** Gets configuration: usable, nothing blocking it. */
export const listenerProgrammed = (l: ListenerState): boolean => listenerUsable(l) && !l.notProgrammed;
