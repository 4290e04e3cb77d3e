// Core Namespace objects: only their labels matter (for namespace selectors).
import { z } from 'zod';
import { defineKind } from './kind-schema';
import type { ResourceIndex } from './resource-index';

export const NamespaceKind = defineKind({
  group: '',
  kind: 'Namespace',
  versions: ['v1'],
  clusterScoped: true,
  // Kubernetes fills spec.finalizers; nothing in it concerns routing.
  body: z.strictObject({ spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional() }),
});

/**
 * Labels of a namespace, including the `kubernetes.io/metadata.name` label
 * Kubernetes sets on every namespace (so selectors work on names even when
 * standalone users never declare the Namespace object).
 */
export function namespaceLabels(index: ResourceIndex, namespace: string): Record<string, string> {
  const ns = index.get(NamespaceKind, '', namespace);
  return { ...(ns?.object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
}
