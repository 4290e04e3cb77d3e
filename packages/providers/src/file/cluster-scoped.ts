// Kinds that live outside namespaces; every other kind defaults to namespace `default`.

// Matched by kind alone: the standalone source has no API discovery to ask, and
// these names are not reused by namespaced kinds in the APIs Tidegate reads.
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'GatewayClass',
  'IngressClass',
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'ClusterIssuer',
]);

/** Whether objects of `kind` have no namespace. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}
