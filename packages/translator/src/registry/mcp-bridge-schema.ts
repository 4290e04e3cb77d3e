// Schema of Higress's McpBridge (networking.higress.io/v1): the registries Tidegate discovers services from.
import { z } from 'zod';
import { defineKind } from '../resources';

export const HIGRESS_GROUP = 'networking.higress.io';

/** Registry types Tidegate implements (`nacos` polls the 1.x HTTP API; `nacos2` adds 2.x gRPC push). */
export const SUPPORTED_REGISTRY_TYPES = ['nacos', 'nacos2', 'static', 'dns'] as const;
export type RegistryType = (typeof SUPPORTED_REGISTRY_TYPES)[number];

/** Types Higress has that Tidegate does not (reported, never ignored). */
export const UNSUPPORTED_REGISTRY_TYPES = ['nacos3', 'zookeeper', 'consul', 'eureka'] as const;

/** Higress registry fields Tidegate accepts in the schema but does not implement: each one present is reported. */
export const UNSUPPORTED_REGISTRY_FIELDS = [
  'nacosAddressServer',
  'zkServicesPath',
  'consulNamespace',
  'consulDatacenter',
  'consulServiceTag',
  'consulRefreshInterval',
  'enableMCPServer',
  'mcpServerBaseUrl',
  'mcpServerExportDomains',
  'enableScopeMcpServers',
  'allowMcpServers',
  'metadata',
  'proxyName',
  'vport',
] as const;

/** Upstream protocol of static and DNS registries (Higress: HTTP default, HTTPS/GRPC/GRPCS). */
const protocolSchema = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['HTTP', 'HTTPS', 'GRPC', 'GRPCS'], { message: 'must be HTTP, HTTPS, GRPC or GRPCS' }));

/** DNS-label-like, since it becomes part of host names (`<name>.static`) and status keys. */
const registryNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label');

const unsupportedFields = Object.fromEntries(UNSUPPORTED_REGISTRY_FIELDS.map((f) => [f, z.unknown().optional()])) as Record<
  (typeof UNSUPPORTED_REGISTRY_FIELDS)[number],
  z.ZodOptional<z.ZodUnknown>
>;

export const registrySchema = z.strictObject({
  type: z.string().min(1),
  name: registryNameSchema,
  /** Nacos: the server's host. static: `ip:port` list, comma-separated. dns: the domain name(s), comma-separated. */
  domain: z.string().min(1),
  /** Nacos: the HTTP port (gRPC is port + 1000). static/dns: the service port of the host name. */
  port: z.number().int().min(1).max(65535).optional(),
  nacosNamespaceId: z.string().optional(),
  nacosNamespace: z.string().optional(),
  nacosGroups: z.array(z.string().min(1)).optional(),
  /** Nanoseconds, as Higress has it (30000000000 = 30 s). */
  nacosRefreshInterval: z.number().int().positive().optional(),
  nacosAccessKey: z.string().optional(),
  nacosSecretKey: z.string().optional(),
  /** A Secret in the McpBridge's namespace with `nacosUsername`/`nacosPassword` (or `nacosAccessKey`/`nacosSecretKey`). */
  authSecretName: z.string().min(1).optional(),
  protocol: protocolSchema.optional(),
  sni: z.string().min(1).optional(),
  ...unsupportedFields,
});

export type RegistrySpec = z.output<typeof registrySchema>;

export const McpBridgeKind = defineKind({
  group: HIGRESS_GROUP,
  kind: 'McpBridge',
  versions: ['v1'],
  body: z.strictObject({
    spec: z
      .strictObject({ registries: z.array(registrySchema).optional() })
      .superRefine((spec, ctx) => {
        const seen = new Set<string>();
        (spec.registries ?? []).forEach((r, i) => {
          if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['registries', i, 'name'], message: `registry name "${r.name}" is used twice` });
          seen.add(r.name);
        });
      }),
  }),
});
