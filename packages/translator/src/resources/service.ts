// Core Services: ports (name, port, targetPort) and ExternalName.
import { z } from 'zod';
import { defineKind } from './kind-schema';

const servicePort = z.strictObject({
  name: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  appProtocol: z.string().optional(),
  nodePort: z.number().int().optional(),
});

export type ServicePort = z.output<typeof servicePort>;

/** Fields Kubernetes manages or that only kube-proxy uses: accepted so real Services validate, then ignored. */
const ignored = z.unknown().optional();

export const ServiceKind = defineKind({
  group: '',
  kind: 'Service',
  versions: ['v1'],
  body: z.strictObject({
    spec: z.strictObject({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
      ports: z.array(servicePort).nullish(),
      externalName: z.string().min(1).optional(),
      selector: ignored,
      clusterIP: ignored,
      clusterIPs: ignored,
      ipFamilies: ignored,
      ipFamilyPolicy: ignored,
      sessionAffinity: ignored,
      sessionAffinityConfig: ignored,
      internalTrafficPolicy: ignored,
      externalTrafficPolicy: ignored,
      externalIPs: ignored,
      loadBalancerIP: ignored,
      loadBalancerSourceRanges: ignored,
      loadBalancerClass: ignored,
      allocateLoadBalancerNodePorts: ignored,
      healthCheckNodePort: ignored,
      publishNotReadyAddresses: ignored,
      trafficDistribution: ignored,
    }),
  }),
});

export type ServiceSpec = z.output<typeof ServiceKind.body>['spec'];
