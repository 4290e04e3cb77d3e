// Schemas of networking.k8s.io/v1 Ingress and IngressClass (strict: unknown fields are errors).
import { z } from 'zod';
import { defineKind } from '../resources';

const ignored = z.unknown().optional();

const backend = z.strictObject({
  service: z
    .strictObject({
      name: z.string().min(1),
      port: z.strictObject({ name: z.string().min(1).optional(), number: z.number().int().min(1).max(65535).optional() }).optional(),
    })
    .optional(),
  resource: z.strictObject({ apiGroup: z.string().nullish(), kind: z.string().min(1), name: z.string().min(1) }).optional(),
});

export type IngressBackendSpec = z.output<typeof backend>;

const path = z.strictObject({
  path: z.string().optional(),
  pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific']),
  backend,
});

export type IngressPathSpec = z.output<typeof path>;

export const IngressKind = defineKind({
  group: 'networking.k8s.io',
  kind: 'Ingress',
  versions: ['v1'],
  body: z.strictObject({
    spec: z
      .strictObject({
        ingressClassName: z.string().min(1).nullish(),
        defaultBackend: backend.optional(),
        tls: z.array(z.strictObject({ hosts: z.array(z.string().min(1)).nullish(), secretName: z.string().nullish() })).nullish(),
        rules: z
          .array(
            z.strictObject({
              host: z.string().nullish(),
              http: z.strictObject({ paths: z.array(path) }).nullish(),
            }),
          )
          .nullish(),
      })
      .optional(),
  }),
});

export type IngressSpec = NonNullable<z.output<typeof IngressKind.body>['spec']>;

export const IngressClassKind = defineKind({
  group: 'networking.k8s.io',
  kind: 'IngressClass',
  versions: ['v1'],
  clusterScoped: true,
  body: z.strictObject({
    spec: z.strictObject({ controller: z.string().optional(), parameters: ignored }).optional(),
  }),
});
