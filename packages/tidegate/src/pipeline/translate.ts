// Stage 2: resources in, IR and user-facing errors/status out (pure; no I/O).
import type { ObjectStatus, ResourceSnapshot } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import { validateProxyGroup } from '@tidegate/ir';
import { registryBackendRefResolver, translateGatewayApi, translateRegistries, type AnnotationFinding, type GatewayTranslationCache, type IngressTranslateOptions, type TranslationError } from '@tidegate/translator';
import { translateIngressResources } from './translate-ingress';

export interface TranslateSettings {
  controllerName: string;
  defaultListenAddress: string;
  /** IPv4 CIDR: each Gateway that names no address gets its own from it (see the Gateway API translator). */
  addressPool?: string;
  /** Serve Ingresses of this class through the default gateway (absent: Ingresses are ignored). */
  ingress?: IngressTranslateOptions;
  /** The Gateway API translator's memory between translations (a control plane keeps one). */
  gatewayCache?: GatewayTranslationCache;
}

/** Everything the translators made of one resource snapshot. */
export interface TranslatedState {
  proxyGroups: ProxyGroup[];
  statuses: ObjectStatus[];
  /** User mistakes: each names the object, file and field. Translation of the rest went on. */
  errors: TranslationError[];
  /** What became of every ingress-nginx / Higress annotation on Ingresses of our class (`/debug/ingress`). */
  ingressAnnotations: AnnotationFinding[];
}

export function translateResources(snapshot: ResourceSnapshot, settings: TranslateSettings): TranslatedState {
  // McpBridge registries: hosts routes can name (backendRefs of kind networking.istio.io/Hostname, Ingress higress.io/destination).
  const registries = translateRegistries(snapshot.objects);
  const { gatewayCache, ingress: _ingress, ...gatewaySettings } = settings;
  const gatewayApiOptions = { ...gatewaySettings, backendRefResolvers: [registryBackendRefResolver(registries.catalog)], ...(gatewayCache ? { cache: gatewayCache } : {}) };
  const gatewayApi = translateGatewayApi(snapshot.objects, gatewayApiOptions);
  const errors: TranslationError[] = [
    ...snapshot.errors.map((e) => ({
      object: { kind: e.object?.kind ?? '', namespace: e.object?.namespace, name: e.object?.name ?? '' },
      source: e.source,
      path: e.path,
      message: e.message,
      code: 'provider-error',
    })),
    ...registries.errors,
    ...gatewayApi.errors,
  ];
  const ingressOptions = settings.ingress && { ...settings.ingress, registries: registries.catalog };
  const ingress = translateIngressResources(snapshot.objects, ingressOptions, errors);
  errors.push(...ingress.errors);
  // A group that fails IR validation is a translator bug, not a user mistake: it is
  // dropped here (the publisher keeps serving that group's last good snapshot).
  const proxyGroups: ProxyGroup[] = [];
  for (const group of [...gatewayApi.proxyGroups, ...ingress.proxyGroups]) {
    const checked = validateProxyGroup(group);
    if (checked.ok) proxyGroups.push(group);
    else {
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
  return { proxyGroups, statuses: [...gatewayApi.statuses, ...ingress.statuses], errors, ingressAnnotations: ingress.annotationReport };
}
