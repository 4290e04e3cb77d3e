// How policies attach to what they target: one precedence (most specific, then oldest) and one status vocabulary for every policy kind.
import { condition } from './conditions';
import { byAge, type Resource } from './resource-index';

/** A policy's targetRef, in the policy's own namespace (policy targets never cross namespaces). */
export interface PolicyTargetRef {
  group: string;
  kind: string;
  name: string;
  /** A part of the target (listener, rule, Service port); absent: the whole object. */
  sectionName?: string;
}

/**
 * One level a policy can attach at: an object and, when `sections` is given, targetRefs naming
 * one of those sections of it; without `sections`, targetRefs naming the whole object.
 */
export interface AttachmentLevel {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sections?: readonly string[];
}

/**
 * Where a policy takes effect (a Gateway port, a route rule, a Service port), as the levels
 * that could govern it, most specific first: rule > route > listener > Gateway, port > Service.
 */
export type AttachmentPoint = readonly AttachmentLevel[];

/** A policy's `Accepted` outcome as far as attachment goes (kind-specific problems, e.g. Invalid, come first). */
export type AttachmentOutcome = 'Accepted' | 'Conflicted' | 'TargetNotFound';

export interface PolicyAttachmentOptions<P> {
  /** The policy's targetRefs, with defaulted groups filled in. */
  targetRefs(p: P): readonly PolicyTargetRef[];
  /** Whether what the targetRef names (and its section, if it names one) exists. */
  targetExists(p: P, t: PolicyTargetRef): boolean;
}

interface Entry<P> {
  policy: P;
  section: string | undefined;
}

const keyOf = (group: string, kind: string, namespace: string, name: string): string => `${group}/${kind}/${namespace}/${name}`;

/**
 * The policies of one kind and where they attach. At an attachment point the most specific
 * level that some policy targets decides, and among the policies at that level the oldest
 * wins (then namespace/name, Gateway API's tie-breaker); the others are Conflicted there.
 */
export class PolicyAttachments<P extends Resource<unknown>> {
  /** Oldest first. */
  readonly policies: readonly P[];
  /** targetRefs by the object they name, oldest policy first. */
  private readonly byTarget = new Map<string, Array<Entry<P>>>();

  constructor(
    policies: readonly P[],
    private readonly options: PolicyAttachmentOptions<P>,
  ) {
    this.policies = [...policies].sort(byAge);
    for (const p of this.policies) {
      for (const t of options.targetRefs(p)) {
        const key = keyOf(t.group, t.kind, p.namespace, t.name);
        let list = this.byTarget.get(key);
        if (!list) this.byTarget.set(key, (list = []));
        list.push({ policy: p, section: t.sectionName });
      }
    }
  }

  /** The policy governing `point`, if any policy attaches to one of its levels. */
  winner(point: AttachmentPoint): P | undefined {
    for (const level of point) {
      const found = this.entries(level).find((e) => matches(e, level));
      if (found) return found.policy;
    }
    return undefined;
  }

  /** Whether `p` attaches to some level of `point` (whether or not it wins there). */
  attaches(p: P, point: AttachmentPoint): boolean {
    return point.some((level) => this.entries(level).some((e) => e.policy === p && matches(e, level)));
  }

  /**
   * `TargetNotFound` when none of the policy's targets exists; else `Accepted` when it wins at
   * one of `points` (where it could take effect), `Conflicted` when it wins at none.
   */
  outcome(p: P, points: Iterable<AttachmentPoint>): AttachmentOutcome {
    if (!this.targetFound(p)) return 'TargetNotFound';
    for (const point of points) if (this.winner(point) === p) return 'Accepted';
    return 'Conflicted';
  }

  /** Whether at least one of the policy's targets exists. */
  targetFound(p: P): boolean {
    return this.options.targetRefs(p).some((t) => this.options.targetExists(p, t));
  }

  private entries(level: AttachmentLevel): ReadonlyArray<Entry<P>> {
    return this.byTarget.get(keyOf(level.group, level.kind, level.namespace, level.name)) ?? [];
  }
}

const matches = (e: Entry<unknown>, level: AttachmentLevel): boolean =>
  level.sections === undefined ? e.section === undefined : e.section !== undefined && level.sections.includes(e.section);

/** The `Accepted` condition for an outcome, with the kind's own message for each. */
export function attachmentCondition(
  outcome: AttachmentOutcome,
  messages: Record<AttachmentOutcome, string>,
  generation: number | undefined,
): ReturnType<typeof condition> {
  return condition('Accepted', outcome === 'Accepted', outcome, messages[outcome], generation);
}

/** Levels of a Gateway port, or of one listener: its listeners (sectionName), then the whole Gateway. */
export function gatewayLevels(group: string, namespace: string, gateway: string, listeners: readonly string[]): AttachmentLevel[] {
  const gw = { group, kind: 'Gateway', namespace, name: gateway };
  return [{ ...gw, sections: listeners }, gw];
}

/**
 * Levels of a route rule: the rule (sectionName = rule name) when it has a name, the whole
 * route, then the levels of the Gateway listener the route is attached through.
 */
export function routeLevels(
  route: { group: string; kind: string; namespace: string; name: string; rule?: string },
  gateway: AttachmentPoint = [],
): AttachmentLevel[] {
  const whole = { group: route.group, kind: route.kind, namespace: route.namespace, name: route.name };
  return [...(route.rule !== undefined ? [{ ...whole, sections: [route.rule] }] : []), whole, ...gateway];
}

/** Levels of a Service port: the port by name (when it has one), then the whole Service. */
export function servicePortLevels(namespace: string, service: string, portName: string | undefined): AttachmentLevel[] {
  const svc = { group: '', kind: 'Service', namespace, name: service };
  return [...(portName ? [{ ...svc, sections: [portName] }] : []), svc];
}
