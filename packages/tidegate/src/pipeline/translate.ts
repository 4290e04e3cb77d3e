// Stage 2: resources in, IR and user-facing errors/status out (pure; no I/O).
import { objectKey, type ObjectStatus, type ResourceSnapshot, type SourcedObject, type SourceRef } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import { validateProxyGroup } from '@tidegate/ir';
import { registryBackendRefResolver, translateGatewayApi, translateRegistries, type AnnotationFinding, type GatewayTranslationCache, type IngressTranslateOptions, type TranslationError } from '@tidegate/translator';
import { ingressSocketClaims, portOwners, type PortOwner } from './port-claims';
import { translateIngressResources, withoutReported } from './translate-ingress';

export interface TranslateSettings {
  controllerName: string;
  defaultListenAddress: string;
  /** IPv4 CIDR: each Gateway that names no address gets its own from it (see the Gateway API translator). */
  addressPool?: string;
  /** Serve Ingresses of this class through the default gateway (absent: Ingresses are ignored). */
  ingress?: IngressTranslateOptions;
  /** The Gateway API translator's memory between translations (a control plane keeps one). */
  gatewayCache?: GatewayTranslationCache;
  /**
   * Every group's Envoy runs on this host (standalone): no two groups may bind one address and
   * port, and the default Ingress gateway keeps its ports.
   */
  sharedHost?: boolean;
}

/** Everything the translators made of one resource snapshot. */
export interface TranslatedState {
  proxyGroups: ProxyGroup[];
  statuses: ObjectStatus[];
  /** User mistakes: each names the object, file and field. Translation of the rest went on. */
  errors: TranslationError[];
  /** What became of every ingress-nginx / Higress annotation on Ingresses of our class (`/debug/ingress`). */
  ingressAnnotations: AnnotationFinding[];
  /** Ingresses left alone because they name another class, by class (`(none)`: no class). */
  ingressOtherClasses?: Record<string, number>;
  /**
   * Groups whose IR failed its checks with no part to leave out (a translator bug): they are
   * missing from `proxyGroups` but keep serving their last snapshot, never removed for it.
   */
  failedGroups: string[];
  /** Which object makes each group listen on each port (for errors about ports another process holds). */
  portOwners: PortOwner[];
}

export function translateResources(snapshot: ResourceSnapshot, settings: TranslateSettings): TranslatedState {
  // McpBridge registries: hosts routes can name (backendRefs of kind networking.istio.io/Hostname, Ingress higress.io/destination).
  const registries = translateRegistries(snapshot.objects);
  const { gatewayCache, ingress: _ingress, ...gatewaySettings } = settings;
  const ingressOptions = settings.ingress && { ...settings.ingress, registries: registries.catalog };
  // Ingress first: on a shared host, a Gateway listener on a socket the default Ingress gateway binds is Conflicted.
  const ingressResult = translateIngressResources(snapshot.objects, ingressOptions);
  const gatewayApiOptions = {
    ...gatewaySettings,
    backendRefResolvers: [registryBackendRefResolver(registries.catalog)],
    ...(settings.sharedHost ? { claimedSockets: ingressSocketClaims(ingressResult.proxyGroups) } : {}),
    ...(gatewayCache ? { cache: gatewayCache } : {}),
  };
  const gatewayApi = translateGatewayApi(snapshot.objects, gatewayApiOptions);
  const errors: TranslationError[] = [
    ...snapshot.errors.map((e) => ({
      object: { kind: e.object?.kind ?? '', namespace: e.object?.namespace, name: e.object?.name ?? '' },
      source: e.source,
      path: e.path,
      message: e.message,
      code: e.code ?? 'provider-error',
    })),
    ...registries.errors,
    ...gatewayApi.errors,
  ];
  const ingress = withoutReported(ingressResult, errors);
  errors.push(...ingress.errors);
  // The translators leave out what fails the IR checks; a group still failing them is a
  // translator bug: it is kept out here, and the publisher keeps its last good snapshot.
  const proxyGroups: ProxyGroup[] = [];
  const failedGroups = errors.filter((e) => e.code === 'internal-error').map((e) => (e.object.kind === 'ProxyGroup' ? e.object.name : `${e.object.namespace}/${e.object.name}`));
  for (const group of [...gatewayApi.proxyGroups, ...ingress.proxyGroups]) {
    const checked = validateProxyGroup(group);
    if (checked.ok) proxyGroups.push(group);
    else {
      failedGroups.push(group.name);
      for (const issue of checked.issues) {
        errors.push({
          object: { kind: 'ProxyGroup', name: group.name },
          path: issue.path,
          message: `internal: invalid IR: ${issue.message}`,
          code: issue.code,
        });
      }
    }
  }
  return {
    proxyGroups,
    statuses: [...gatewayApi.statuses, ...ingress.statuses],
    errors: withSources(errors, snapshot.objects),
    ingressAnnotations: ingress.annotationReport,
    ingressOtherClasses: ingress.otherClasses ?? {},
    failedGroups,
    portOwners: portOwners(snapshot.objects, gatewayApi.proxyGroups, ingress.proxyGroups),
  };
}

/** Errors a translator could not give a file get their object's file from the snapshot. */
function withSources(errors: TranslationError[], objects: readonly SourcedObject[]): TranslationError[] {
  const missing = (e: TranslationError) => !e.source && e.object.kind !== 'ProxyGroup';
  if (!errors.some(missing)) return errors;
  const sources = new Map<string, SourceRef>();
  for (const o of objects) if (o.source) sources.set(objectKey(o.object), o.source);
  return errors.map((e) => {
    const source = missing(e) ? sources.get(`${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}`) : undefined;
    return source ? { ...e, source } : e;
  });
}
