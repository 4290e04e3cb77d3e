// ReferenceGrant: the target namespace's permission for a cross-namespace reference.
import { z } from 'zod';
import { defineKind, type ResourceIndex } from '../resources';
import { GATEWAY_GROUP } from './constants';

export const ReferenceGrantKind = defineKind({
  group: GATEWAY_GROUP,
  kind: 'ReferenceGrant',
  versions: ['v1beta1', 'v1alpha2', 'v1'],
  body: z.strictObject({
    spec: z.strictObject({
      from: z.array(z.strictObject({ group: z.string(), kind: z.string().min(1), namespace: z.string().min(1) })).min(1),
      to: z.array(z.strictObject({ group: z.string(), kind: z.string().min(1), name: z.string().min(1).optional() })).min(1),
    }),
  }),
});

/** Who refers: the referring object's group, kind and namespace. */
export interface RefFrom {
  group: string;
  kind: string;
  namespace: string;
}

/** What is referred to. */
export interface RefTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Whether a reference is allowed: same namespace, or a ReferenceGrant in the target namespace permits it. */
export function referenceAllowed(index: ResourceIndex, from: RefFrom, to: RefTo): boolean {
  if (from.namespace === to.namespace) return true;
  return index.list(ReferenceGrantKind).some(
    (g) =>
      g.namespace === to.namespace &&
      g.body.spec.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.body.spec.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  );
}
