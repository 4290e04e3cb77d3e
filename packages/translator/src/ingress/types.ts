// Inputs and outputs of the Ingress translator.
import type { IngressTranslationCache } from './translation-cache';
import type { ObjectStatus } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import type { BackendResolution, TranslationError } from '../resources';

/** Registry hosts (Higress McpBridge) that `higress.io/destination` names; `RegistryCatalog` is one. */
export interface RegistryHosts {
  /** Whether a valid McpBridge of this name exists (in any namespace). */
  hasBridge(name: string): boolean;
  /** The backend of a registry host (`port`: that port only; absent: the service's own). */
  resolve(host: string, port?: number): BackendResolution;
}

/** The IngressClass `spec.controller` value that marks a class as Tidegate's. */
export const INGRESS_CONTROLLER_NAME = 'tidegate.io/ingress-controller';

export interface IngressTranslateOptions {
  /** Name of the class we serve (`--ingress-class`, default `tidegate`); `nginx` also takes Ingresses naming no class. */
  ingressClass: string;
  /** IngressClasses whose `spec.controller` equals this are ours too. */
  controllerName: string;
  /** The default gateway every Ingress of our class is served by. */
  gateway: {
    /** Proxy group name, e.g. `tidegate/ingress`. */
    name: string;
    /** Address the listeners bind. */
    address: string;
    httpPort: number;
    httpsPort: number;
  };
  /** Written to `status.loadBalancer.ingress` (an IP becomes `ip`, anything else `hostname`). */
  publishAddress?: string;
  /** Treat every Ingress as ours whatever its class (the migration report reads other controllers' Ingresses). */
  allClasses?: boolean;
  /**
   * The registry hosts McpBridge resource backends route to (the control plane passes its
   * registry translation's catalog). Absent: built from the McpBridges among the objects.
   */
  registries?: RegistryHosts;
  /** Memory between translations (a control plane keeps one); absent: translate from scratch. */
  cache?: IngressTranslationCache;
}

/** How well Tidegate covers an annotation. */
export type SupportLevel = 'supported' | 'partly' | 'unsupported';

/** What Tidegate made of one annotation on one Ingress. */
export interface AnnotationFinding {
  ingress: { namespace: string; name: string };
  /** The full key, e.g. `nginx.ingress.kubernetes.io/rewrite-target`. */
  annotation: string;
  value: string;
  /** `invalid` when the annotation is known but its value is malformed (the Ingress keeps serving without it). */
  support: SupportLevel | 'invalid';
  /** How it maps onto Tidegate, or why it is only partly or not supported. */
  message: string;
}

export interface IngressTranslationResult {
  /** Zero or one group (the default gateway); it passes `validateProxyGroup`. */
  proxyGroups: ProxyGroup[];
  /** `status.loadBalancer` (and Tidegate's conditions) of every Ingress of our class. */
  statuses: ObjectStatus[];
  /** Every user mistake: malformed annotation values, conflicts, missing Services or Secrets, unsupported annotations. */
  errors: TranslationError[];
  /** One finding per prefixed annotation on an Ingress of our class, sorted by Ingress then annotation. */
  annotationReport: AnnotationFinding[];
  /** Ingresses left alone because they name another class, counted by class (`(none)`: no class). */
  otherClasses?: Record<string, number>;
}
