// Schema of Tidegate's BackendPolicy (tidegate.io/v1alpha1): upstream settings Gateway API does not express.
import { z } from 'zod';
import { durationMs } from './duration';
import { defineKind } from './kind-schema';

export const TIDEGATE_GROUP = 'tidegate.io';

const secretRef = z.strictObject({
  group: z.literal('').optional(),
  kind: z.literal('Secret').optional(),
  name: z.string().min(1),
});

const count = z.number().int().nonnegative();

const hashPolicy = z
  .strictObject({
    header: z.string().min(1).optional(),
    cookie: z.strictObject({ name: z.string().min(1), ttl: durationMs.optional(), path: z.string().optional() }).optional(),
    sourceIP: z.literal(true).optional(),
    queryParam: z.string().min(1).optional(),
  })
  .refine((h) => Object.values(h).filter((v) => v !== undefined).length === 1, {
    message: 'set exactly one of header, cookie, sourceIP, queryParam',
  });

/** `200`, or a range `"200-299"`. */
const statusRange = z.union([
  z.number().int().min(100).max(599).transform((n): [number, number] => [n, n]),
  z
    .string()
    .regex(/^[1-5][0-9]{2}-[1-5][0-9]{2}$/, 'must be a status code or a range such as "200-299"')
    .transform((s): [number, number] => {
      const [a, b] = s.split('-').map(Number);
      return [a as number, b as number];
    }),
]);

export const BackendPolicyKind = defineKind({
  group: TIDEGATE_GROUP,
  kind: 'BackendPolicy',
  versions: ['v1alpha1'],
  body: z.strictObject({
    spec: z.strictObject({
      targetRefs: z
        .array(
          z.strictObject({
            group: z.literal('').optional(),
            kind: z.literal('Service'),
            name: z.string().min(1),
            /** A Service port name; absent means every port. */
            sectionName: z.string().min(1).optional(),
          }),
        )
        .min(1),
      loadBalancer: z
        .strictObject({ policy: z.enum(['RoundRobin', 'LeastRequest', 'Random', 'RingHash', 'Maglev']) })
        .optional(),
      hashPolicy: z.array(hashPolicy).min(1).optional(),
      protocol: z.enum(['HTTP', 'HTTP2', 'GRPC']).optional(),
      tls: z
        .strictObject({
          sni: z.string().min(1).optional(),
          caCertificateRef: secretRef.optional(),
          subjectAltNames: z.array(z.string().min(1)).optional(),
          clientCertificateRef: secretRef.optional(),
        })
        .optional(),
      connectTimeout: durationMs.optional(),
      circuitBreaker: z
        .strictObject({
          maxConnections: count.optional(),
          maxPendingRequests: count.optional(),
          maxRequests: count.optional(),
          maxRetries: count.optional(),
        })
        .optional(),
      outlierDetection: z
        .strictObject({
          consecutive5xx: count.optional(),
          interval: durationMs.optional(),
          baseEjectionTime: durationMs.optional(),
          maxEjectionPercent: z.number().int().min(0).max(100).optional(),
        })
        .optional(),
      healthCheck: z
        .strictObject({
          path: z.string().startsWith('/', 'must start with "/"'),
          host: z.string().min(1).optional(),
          interval: durationMs.optional(),
          timeout: durationMs.optional(),
          unhealthyThreshold: z.number().int().min(1).optional(),
          healthyThreshold: z.number().int().min(1).optional(),
          expectedStatuses: z.array(statusRange).min(1).optional(),
        })
        .optional(),
    }),
  }),
});

export type BackendPolicySpec = z.output<typeof BackendPolicyKind.body>['spec'];
