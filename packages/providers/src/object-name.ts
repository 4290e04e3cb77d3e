// How provider errors name an object: `HTTPRoute default/web`, `GatewayClass tidegate`.
import type { KubeObject } from '@tidegate/common';

/** Kind, then `namespace/name` (just the name for cluster-scoped objects). */
export function describeObject({ kind, metadata }: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
}
