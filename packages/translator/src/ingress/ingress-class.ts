// Which Ingresses are ours: by IngressClass (name or controller), the legacy annotation, or the default class.
import type { KubeObject } from '@tidegate/common';
import { type Resource, type ResourceIndex } from '../resources';
import { IngressClassKind, IngressKind, type IngressSpec } from './schema';
import type { IngressTranslateOptions } from './types';

export type IngressResource = Resource<{ spec?: IngressSpec }>;

/** The legacy annotation that named the class before `spec.ingressClassName`. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** How `otherClasses` names Ingresses that name no class. */
export const NO_CLASS = '(none)';

/**
 * An Ingress is ours when the class it names (`spec.ingressClassName`, else the legacy
 * `kubernetes.io/ingress.class` annotation) is `--ingress-class` or an IngressClass whose
 * controller is ours. One naming no class is ours when one of our IngressClasses is marked
 * the default, or when we serve class `nginx` (as Higress does, for drop-in migration).
 * The rest are counted by the class they name (`(none)` for none), so they are not ignored silently.
 */
export function ourIngresses(index: ResourceIndex, options: IngressTranslateOptions): { ours: IngressResource[]; otherClasses: Record<string, number> } {
  const all = index.list(IngressKind) as IngressResource[];
  if (options.allClasses) return { ours: all, otherClasses: {} };
  const classes = index.list(IngressClassKind);
  const ours = new Set([options.ingressClass, ...classes.filter((c) => c.body.spec?.controller === options.controllerName).map((c) => c.name)]);
  const oursByDefault =
    options.ingressClass === 'nginx' ||
    classes.some((c) => ours.has(c.name) && c.object.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  const otherClasses: Record<string, number> = {};
  const mine = all.filter((ing) => {
    const named = ingressClassOf(ing.object);
    if (named ? ours.has(named) : oursByDefault) return true;
    otherClasses[named ?? NO_CLASS] = (otherClasses[named ?? NO_CLASS] ?? 0) + 1;
    return false;
  });
  return { ours: mine, otherClasses };
}

/** The class an Ingress names: `spec.ingressClassName`, else the legacy annotation. */
export function ingressClassOf(ingress: KubeObject): string | undefined {
  const named = (ingress.spec as { ingressClassName?: unknown } | undefined)?.ingressClassName;
  return (typeof named === 'string' && named) || ingress.metadata.annotations?.[LEGACY_CLASS_ANNOTATION] || undefined;
}
