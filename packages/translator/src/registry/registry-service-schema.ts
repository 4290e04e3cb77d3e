// Schema of RegistryService (tidegate.io/v1alpha1): one discovered registry service as providers publish it.
import { z } from 'zod';
import { TIDEGATE_GROUP, defineKind } from '../resources';

/** The kind registry providers (Nacos) publish; one object per discovered service. */
export const REGISTRY_SERVICE_KIND = 'RegistryService';

export const registryInstanceSchema = z.strictObject({
  ip: z.string().min(1),
  /** 0 for registrations that take no traffic (Dubbo consumers); such instances are never endpoints. */
  port: z.number().int().min(0).max(65535),
  /** Nacos weight (a decimal; 0 takes no traffic). */
  weight: z.number().nonnegative(),
  healthy: z.boolean(),
  enabled: z.boolean(),
  ephemeral: z.boolean(),
  cluster: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
});

export type RegistryInstance = z.output<typeof registryInstanceSchema>;

export const RegistryServiceKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: REGISTRY_SERVICE_KIND,
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z.strictObject({
      /** The McpBridge (same namespace) and the registry in it this service was discovered through. */
      bridge: z.string().min(1),
      registry: z.string().min(1),
      nacos: z.strictObject({
        /** Namespace part of the host name (`nacosNamespace`, else the id, else `public`). */
        namespace: z.string(),
        namespaceId: z.string(),
        group: z.string().min(1),
        service: z.string().min(1),
      }),
      instances: z.array(registryInstanceSchema),
    }),
  }),
});

export type RegistryServiceSpec = z.output<typeof RegistryServiceKind.body>['spec'];
