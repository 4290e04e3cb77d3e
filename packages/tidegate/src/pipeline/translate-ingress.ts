// The Ingress part of stage 2: the default gateway's options, and Ingress results merged with the other translators'.
import type { SourcedObject } from '@tidegate/common';
import { INGRESS_CONTROLLER_NAME, translateIngress, type IngressTranslateOptions, type IngressTranslationResult, type TranslationError } from '@tidegate/translator';

/** How standalone (or a controller) serves Ingresses: one default gateway for all of them. */
export interface IngressOptions {
  /** `--ingress-class` (default `tidegate`). */
  ingressClass: string;
  httpPort: number;
  httpsPort: number;
  /** `status.loadBalancer` address; default the listen address, or 127.0.0.1 when that is a wildcard. */
  publishAddress?: string;
  /** Proxy group of the default gateway (default `tidegate/ingress`). */
  groupName?: string;
}

export const DEFAULT_INGRESS_GROUP = 'tidegate/ingress';

/** Translator options for the default gateway bound on `listenAddress`. */
export function ingressTranslateOptions(o: IngressOptions, listenAddress: string): IngressTranslateOptions {
  const wildcard = listenAddress === '0.0.0.0' || listenAddress === '::';
  return {
    ingressClass: o.ingressClass,
    controllerName: INGRESS_CONTROLLER_NAME,
    gateway: { name: o.groupName ?? DEFAULT_INGRESS_GROUP, address: listenAddress, httpPort: o.httpPort, httpsPort: o.httpsPort },
    publishAddress: o.publishAddress ?? (wildcard ? '127.0.0.1' : listenAddress),
  };
}

const EMPTY: IngressTranslationResult = { proxyGroups: [], statuses: [], errors: [], annotationReport: [] };

/** Ingress results (none without options). */
export function translateIngressResources(objects: readonly SourcedObject[], options: IngressTranslateOptions | undefined): IngressTranslationResult {
  return options ? translateIngress(objects, options) : EMPTY;
}

/**
 * Ingress results whose errors leave out those another translator already reported:
 * both read Services, EndpointSlices and Secrets, and a broken one is one problem.
 */
export function withoutReported(result: IngressTranslationResult, reported: readonly TranslationError[]): IngressTranslationResult {
  const key = (e: TranslationError) => JSON.stringify([e.object, e.source?.file, e.source?.document, e.path, e.code, e.message]);
  const seen = new Set(reported.map(key));
  return { ...result, errors: result.errors.filter((e) => !seen.has(key(e))) };
}
