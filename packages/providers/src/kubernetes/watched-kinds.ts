// The kinds the Kubernetes provider watches: where each lives in the API and how it is treated.
import { CONFIG_MAP_REFERENCES, SECRET_REFERENCES, type ReferencePattern } from './references';

/** One kind the provider lists and watches. */
export interface WatchedKind {
  /** API group; `''` for core. */
  group: string;
  /** Served versions, most preferred first: the first one the API server serves is used. */
  versions: readonly string[];
  kind: string;
  /** Resource name in URLs, e.g. `httproutes`. */
  plural: string;
  namespaced: boolean;
  /**
   * A custom resource whose CRD may not be installed: "not found" at the first
   * sync means "none", and it is looked for again later.
   */
  optional?: boolean;
  /**
   * Published only while some other object references it, as the pattern finds
   * references (Secrets, ConfigMaps: `references.ts`).
   */
  referencedOnly?: ReferencePattern;
  /** Extra field selector, e.g. to skip Secret types no configuration uses. */
  fieldSelector?: string;
  /**
   * The status fields the API server stores for this kind; others a translator
   * reports (say, conditions on an Ingress) stay in Tidegate's own status views.
   * Absent: every field.
   */
  statusFields?: readonly string[];
}

const GATEWAY = 'gateway.networking.k8s.io';
const TIDEGATE = 'tidegate.io';

/**
 * Everything the translators read. Gateway API versions are ordered by what the
 * translators accept (TCPRoute: v1alpha2 before v1).
 */
export const WATCHED_KINDS: readonly WatchedKind[] = [
  { group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { group: '', versions: ['v1'], kind: 'Service', plural: 'services', namespaced: true },
  {
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    referencedOnly: SECRET_REFERENCES,
    // Helm release and service-account token Secrets are large and never referenced by routing configuration.
    fieldSelector: 'type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token',
  },
  // Every namespace has a few (kube-root-ca.crt); which are published is what configuration names.
  { group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', namespaced: true, referencedOnly: CONFIG_MAP_REFERENCES },
  { group: 'discovery.k8s.io', versions: ['v1'], kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'Ingress', plural: 'ingresses', namespaced: true, statusFields: ['loadBalancer'] },
  { group: 'networking.k8s.io', versions: ['v1'], kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
  { group: GATEWAY, versions: ['v1', 'v1beta1'], kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false, optional: true },
  { group: GATEWAY, versions: ['v1', 'v1beta1'], kind: 'Gateway', plural: 'gateways', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1', 'v1beta1'], kind: 'HTTPRoute', plural: 'httproutes', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1'], kind: 'GRPCRoute', plural: 'grpcroutes', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1', 'v1alpha3', 'v1alpha2'], kind: 'TLSRoute', plural: 'tlsroutes', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1alpha2', 'v1'], kind: 'TCPRoute', plural: 'tcproutes', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1', 'v1beta1'], kind: 'ReferenceGrant', plural: 'referencegrants', namespaced: true, optional: true },
  { group: GATEWAY, versions: ['v1', 'v1alpha3'], kind: 'BackendTLSPolicy', plural: 'backendtlspolicies', namespaced: true, optional: true },
  { group: TIDEGATE, versions: ['v1alpha1'], kind: 'BackendPolicy', plural: 'backendpolicies', namespaced: true, optional: true },
  { group: TIDEGATE, versions: ['v1alpha1'], kind: 'ClientTrafficPolicy', plural: 'clienttrafficpolicies', namespaced: true, optional: true },
  { group: TIDEGATE, versions: ['v1alpha1'], kind: 'SecurityPolicy', plural: 'securitypolicies', namespaced: true, optional: true },
  { group: TIDEGATE, versions: ['v1alpha1'], kind: 'HTTPRouteFilter', plural: 'httproutefilters', namespaced: true, optional: true },
  { group: TIDEGATE, versions: ['v1alpha1'], kind: 'GrpcTarget', plural: 'grpctargets', namespaced: true, optional: true },
  { group: 'networking.higress.io', versions: ['v1'], kind: 'McpBridge', plural: 'mcpbridges', namespaced: true, optional: true },
];

/** `group/version`, or just `version` for the core group. */
export function apiVersionOf(kind: Pick<WatchedKind, 'group'>, version: string): string {
  return kind.group ? `${kind.group}/${version}` : version;
}

/**
 * URL path of a kind's collection, or of one object (and its subresource) when
 * `name` is given. `namespace` is ignored for cluster-scoped kinds; absent for a
 * namespaced kind means every namespace.
 */
export function resourcePath(
  kind: WatchedKind,
  version: string,
  where: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const base = kind.group ? `/apis/${kind.group}/${version}` : `/api/${version}`;
  const ns = kind.namespaced && where.namespace ? `/namespaces/${encodeURIComponent(where.namespace)}` : '';
  const name = where.name ? `/${encodeURIComponent(where.name)}` : '';
  const sub = where.name && where.subresource ? `/${where.subresource}` : '';
  return `${base}${ns}/${kind.plural}${name}${sub}`;
}
