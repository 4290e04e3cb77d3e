// Which Ingresses are ours: by IngressClass (name or controller), the legacy annotation, or the default class.
import { type Resource, type ResourceIndex } from '../resources';
import { IngressClassKind, IngressKind, type IngressSpec } from './schema';
import type { IngressTranslateOptions } from './types';

export type IngressResource = Resource<{ spec?: IngressSpec }>;

/** The legacy annotation that named the class before `spec.ingressClassName`. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/**
 * An Ingress is ours when the class it names (`spec.ingressClassName`, else the legacy
 * `kubernetes.io/ingress.class` annotation) is `--ingress-class` or an IngressClass whose
 * controller is ours. One naming no class is ours when one of our IngressClasses is marked
 * the default, or when we serve class `nginx` (as Higress does, for drop-in migration).
 */
export function ourIngresses(index: ResourceIndex, options: IngressTranslateOptions): IngressResource[] {
  const all = index.list(IngressKind) as IngressResource[];
  if (options.allClasses) return all;
  const classes = index.list(IngressClassKind);
  const ours = new Set([options.ingressClass, ...classes.filter((c) => c.body.spec?.controller === options.controllerName).map((c) => c.name)]);
  const oursByDefault =
    options.ingressClass === 'nginx' ||
    classes.some((c) => ours.has(c.name) && c.object.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return all.filter((ing) => {
    const named = ing.body.spec?.ingressClassName ?? ing.object.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
    return named ? ours.has(named) : oursByDefault;
  });
}
