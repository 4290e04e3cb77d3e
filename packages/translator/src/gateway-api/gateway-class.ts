// GatewayClass: only classes naming Tidegate's controller are ours; they are Accepted and list the supported features.
import { z } from 'zod';
import type { ObjectStatus } from '@tidegate/common';
import { condition, defineKind, type ResourceIndex } from '../resources';
import { GATEWAY_GROUP } from './constants';
import { supportedFeatures } from './supported-features';

export const GatewayClassKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'GatewayClass',
  versions: ['v1', 'v1beta1'],
  clusterScoped: true,
  body: z.strictObject({
    spec: z.strictObject({
      controllerName: z.string().min(1),
      description: z.string().optional(),
      parametersRef: z
        .strictObject({ group: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() })
        .optional(),
    }),
  }),
});

/** Names of the GatewayClasses this controller owns, with their status (Accepted, `supportedFeatures`). */
export function translateGatewayClasses(index: ResourceIndex, controllerName: string): { ours: Set<string>; statuses: ObjectStatus[] } {
  const ours = new Set<string>();
  const statuses: ObjectStatus[] = [];
  for (const gc of index.list(GatewayClassKind)) {
    if (gc.body.spec.controllerName !== controllerName) continue;
    ours.add(gc.name);
    statuses.push({
      kind: gc.ref.kind,
      name: gc.name,
      status: {
        conditions: [condition('Accepted', true, 'Accepted', 'GatewayClass is accepted by Tidegate', gc.generation)],
        // Gateway API asks for the list once the class is Accepted.
        supportedFeatures: supportedFeatures(),
      },
    });
  }
  return { ours, statuses };
}
