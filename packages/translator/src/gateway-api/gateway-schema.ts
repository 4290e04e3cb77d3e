// Schema of gateway.networking.k8s.io Gateway (v1): listeners, addresses, TLS and allowed routes.
import { z } from 'zod';
import { defineKind, labelSelectorSchema } from '../resources';
import { GATEWAY_GROUP } from './constants';
import { hostnameSchema, portSchema, sectionNameSchema } from './common-schema';

const certificateRef = z.strictObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

const objectRef = z.strictObject({
  group: z.string(),
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

const frontendValidation = z.strictObject({
  caCertificateRefs: z.array(objectRef).min(1).max(8),
  mode: z.enum(['AllowValidOnly', 'AllowInsecureFallback']).optional(),
});

/** Gateway `spec.tls` (standard since v1.5): client certificate validation, and the client certificate for backends. */
const gatewayTlsSchema = z.strictObject({
  backend: z.strictObject({ clientCertificateRef: certificateRef.optional() }).optional(),
  frontend: z
    .strictObject({
      default: z.strictObject({ validation: frontendValidation.optional() }),
      perPort: z
        .array(z.strictObject({ port: portSchema, tls: z.strictObject({ validation: frontendValidation.optional() }) }))
        .max(64)
        .refine((ps) => new Set(ps.map((p) => p.port)).size === ps.length, { message: 'each port may appear once' })
        .optional(),
    })
    .optional(),
});

export type FrontendValidationSpec = z.output<typeof frontendValidation>;

const listenerSchema = z.strictObject({
  name: sectionNameSchema,
  hostname: hostnameSchema.optional(),
  port: portSchema,
  protocol: z.string().min(1),
  tls: z
    .strictObject({
      mode: z.enum(['Terminate', 'Passthrough']).optional(),
      certificateRefs: z.array(certificateRef).max(64).optional(),
      options: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  allowedRoutes: z
    .strictObject({
      namespaces: z
        .strictObject({ from: z.enum(['All', 'Same', 'Selector']).optional(), selector: labelSelectorSchema.optional() })
        .optional(),
      kinds: z.array(z.strictObject({ group: z.string().optional(), kind: z.string().min(1) })).optional(),
    })
    .optional(),
});

export type ListenerSpec = z.output<typeof listenerSchema>;

export const GatewayKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'Gateway',
  versions: ['v1', 'v1beta1'],
  body: z.strictObject({
    spec: z.strictObject({
      gatewayClassName: z.string().min(1),
      listeners: z
        .array(listenerSchema)
        .min(1)
        .max(64)
        .superRefine((listeners, ctx) => {
          const seen = new Set<string>();
          listeners.forEach((l, i) => {
            if (seen.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `listener name "${l.name}" is used twice` });
            seen.add(l.name);
          });
        }),
      addresses: z.array(z.strictObject({ type: z.string().optional(), value: z.string().max(253).optional() })).max(16).optional(),
      infrastructure: z
        .strictObject({
          labels: z.record(z.string(), z.string()).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
          parametersRef: z.strictObject({ group: z.string(), kind: z.string(), name: z.string() }).optional(),
        })
        .optional(),
      tls: gatewayTlsSchema.optional(),
      allowedListeners: z
        .strictObject({
          namespaces: z
            .strictObject({ from: z.enum(['All', 'Selector', 'Same', 'None']).optional(), selector: labelSelectorSchema.optional() })
            .optional(),
        })
        .optional(),
    }),
  }),
});

export type GatewaySpec = z.output<typeof GatewayKind.body>['spec'];
