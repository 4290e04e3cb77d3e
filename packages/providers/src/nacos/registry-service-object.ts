// Builds the RegistryService objects the Nacos provider publishes (one per discovered service).
import type { KubeObject } from '@tidegate/common';
import { compareStrings } from '@tidegate/common';
import type { NacosInstance } from './nacos-http';
import type { NacosRegistryTarget } from './types';

export const REGISTRY_SERVICE_API_VERSION = 'tidegate.io/v1alpha1';
export const REGISTRY_SERVICE_KIND = 'RegistryService';

/** An instance as RegistryService carries it. */
export interface PublishedInstance {
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  cluster?: string;
  metadata: Record<string, string>;
}

/** Unique within the McpBridge's namespace: `<bridge>/<registry>/<group>/<service>`. */
export const registryServiceName = (t: NacosRegistryTarget, group: string, service: string): string =>
  `${t.bridge}/${t.registry}/${group}/${service}`;

/** Instances in a stable order (address, port, cluster), so equal states compare equal. */
export function publishedInstances(instances: readonly NacosInstance[]): PublishedInstance[] {
  return instances
    .map((i) => {
      const p: PublishedInstance = {
        ip: i.ip,
        port: i.port,
        weight: i.weight,
        healthy: i.healthy,
        enabled: i.enabled,
        ephemeral: i.ephemeral,
        metadata: i.metadata,
      };
      if (i.clusterName) p.cluster = i.clusterName;
      return p;
    })
    .sort((a, b) => compareStrings(a.ip, b.ip) || a.port - b.port || compareStrings(a.cluster ?? '', b.cluster ?? ''));
}

export function registryServiceObject(t: NacosRegistryTarget, group: string, service: string, instances: PublishedInstance[]): KubeObject {
  return {
    apiVersion: REGISTRY_SERVICE_API_VERSION,
    kind: REGISTRY_SERVICE_KIND,
    metadata: { namespace: t.namespace, name: registryServiceName(t, group, service) },
    spec: {
      bridge: t.bridge,
      registry: t.registry,
      nacos: { namespace: t.hostNamespace, namespaceId: t.namespaceId, group, service },
      instances,
    },
  };
}

