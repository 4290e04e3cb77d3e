// Inputs and outputs of the Gateway API translator.
import type { GatewayTranslationCache } from './translation-cache';
import type { ObjectStatus } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import type { BackendRefResolver } from '../registry';
import type { TranslationError } from '../resources';
import type { SocketClaim } from './socket-claims';

export interface TranslateOptions {
  /** GatewayClasses whose spec.controllerName equals this are ours, e.g. `tidegate.io/gateway-controller`. */
  controllerName: string;
  /** Where listeners bind when a Gateway has no IPAddress in spec.addresses, e.g. `0.0.0.0`. */
  defaultListenAddress: string;
  /**
   * IPv4 CIDR (e.g. `127.10.0.0/16`): a Gateway that requests no address gets its own one from it
   * (hashed from namespace/name, so stable) instead of `defaultListenAddress`, so Gateways with the
   * same ports can each have an Envoy of their own. Absent or not a CIDR: not used.
   */
  addressPool?: string;
  /**
   * Backend kinds other translators resolve (e.g. registry hosts, `networking.istio.io/Hostname`):
   * a backendRef of a resolver's group and kind goes to it instead of being InvalidKind.
   */
  backendRefResolvers?: readonly BackendRefResolver[];
  /**
   * Every proxy group's Envoy runs on this one host (standalone's bundled fleet), so two of them
   * cannot listen on the same address and port: the later Gateway's listener there is Conflicted
   * (PortConflict). Off (a controller, whose gateways run in pods of their own), Gateways may
   * declare the same ports.
   */
  sharedHost?: boolean;
  /**
   * With `sharedHost`: addresses and ports other proxy groups bind (the default Ingress gateway's
   * listeners), which a Gateway listener must leave alone.
   */
  claimedSockets?: readonly SocketClaim[];
  /** Memory between translations (a control plane keeps one); absent: translate from scratch. */
  cache?: GatewayTranslationCache;
}

export interface TranslationResult {
  /** One per accepted Gateway of our classes, named `<namespace>/<name>`; each passes `validateProxyGroup`. */
  proxyGroups: ProxyGroup[];
  /** Status for every object we own (GatewayClass, Gateway, routes, Tidegate policies), sorted by kind/namespace/name. */
  statuses: ObjectStatus[];
  /** Every user mistake found, with object, source file and field path. */
  errors: TranslationError[];
}
