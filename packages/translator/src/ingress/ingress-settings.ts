// Reads one Ingress's annotations through every group: settings, needs, findings and errors.
import type { Backend, Secret } from '@tidegate/ir';
import { AnnotationReader, type AnnotationGroup, type GroupContext } from './annotations/annotation';
import { ANNOTATION_GROUPS, classifyKey, isOurPrefix } from './annotations/registry';
import type { IngressContext } from './context';
import type { IngressResource } from './ingress-class';
import type { AnnotationFinding } from './types';

/** One Ingress of our class with its annotations read. */
export interface ParsedIngress {
  res: IngressResource;
  /** Settings by group; a group without settings for this Ingress is absent. */
  settings: Map<AnnotationGroup<unknown>, unknown>;
  needs: { backends: Backend[]; secrets: Secret[] };
  findings: AnnotationFinding[];
  /** Short descriptions of annotations that are unsupported, partly supported, invalid or broken (for the status condition). */
  annotationProblems: string[];
}

/** Typed access to one group's settings. */
export function settingsOf<S>(p: ParsedIngress, group: AnnotationGroup<S>): S | undefined {
  return p.settings.get(group as AnnotationGroup<unknown>) as S | undefined;
}

const pathOf = (key: string): string => `metadata.annotations[${JSON.stringify(key)}]`;

/** An Ingress's annotations: the string values, and the keys whose value is of another type (with that value as JSON). */
interface SplitAnnotations {
  strings: Record<string, string>;
  typed: Map<string, string>;
  notAMapping: boolean;
}

/**
 * Kubernetes refuses annotation values that are not strings, but a file may hold
 * `canary: true` or a list: such a value is reported invalid and ignored, never read as text.
 */
function splitAnnotations(raw: unknown): SplitAnnotations {
  const out: SplitAnnotations = { strings: {}, typed: new Map(), notAMapping: false };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ...out, notAMapping: true };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === 'string') out.strings[key] = value;
    else out.typed.set(key, JSON.stringify(value) ?? String(value));
  }
  return out;
}

export function parseIngress(res: IngressResource, ctx: IngressContext): ParsedIngress {
  const split = splitAnnotations(res.object.metadata.annotations);
  const annotations = split.strings;
  const invalid = new Map<string, string>();
  const remarks = new Map<string, { text: string[]; partly: boolean }>();
  const parsed: ParsedIngress = { res, settings: new Map(), needs: { backends: [], secrets: [] }, findings: [], annotationProblems: [] };
  const describe = (key: string) => `Ingress ${res.namespace}/${res.name}: ${key}=${split.typed.get(key) ?? JSON.stringify(annotations[key] ?? '')}`;
  const spec = res.body.spec ?? {};
  const gctx: GroupContext = {
    namespace: res.namespace,
    name: res.name,
    backends: [...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)), ...(spec.defaultBackend ? [spec.defaultBackend] : [])],
    lookups: ctx.lookups,
    invalid(key, message) {
      if (invalid.has(key)) return;
      invalid.set(key, `invalid value: ${message}`);
      ctx.sink.add(res, pathOf(key), 'invalid-annotation', `${describe(key)}: ${message}`);
    },
    broken(key, message) {
      if (invalid.has(key)) return;
      invalid.set(key, `cannot be used: ${message}`);
      ctx.sink.add(res, pathOf(key), 'annotation-reference', `${describe(key)}: ${message}`);
    },
    remark(key, message, partly = false) {
      const r = remarks.get(key) ?? { text: [], partly: false };
      r.text.push(message);
      r.partly ||= partly;
      remarks.set(key, r);
    },
    need({ backend, secret }) {
      if (backend && !parsed.needs.backends.some((b) => b.name === backend.name)) parsed.needs.backends.push(backend);
      if (secret && !parsed.needs.secrets.some((s) => s.name === secret.name)) parsed.needs.secrets.push(secret);
    },
  };
  if (split.notAMapping) {
    ctx.sink.add(res, 'metadata.annotations', 'invalid-annotation', `Ingress ${res.namespace}/${res.name}: metadata.annotations must be a mapping of strings; it is ignored`);
  }
  for (const key of split.typed.keys()) gctx.invalid(key, 'an annotation value must be a string (quote it); it is ignored');
  const reader = new AnnotationReader(annotations);
  // Most Ingresses carry no ingress-nginx or Higress annotation: nothing to read or report.
  if (reader.empty && split.typed.size === 0) return parsed;
  for (const group of ANNOTATION_GROUPS) {
    const s = group.parse(reader, gctx);
    if (s !== undefined) parsed.settings.set(group, s);
  }

  for (const key of [...Object.keys(annotations), ...split.typed.keys()].filter(isOurPrefix).sort()) {
    const value = annotations[key] ?? (split.typed.get(key) as string);
    const c = classifyKey(key, annotations);
    const finding: AnnotationFinding = { ingress: { namespace: res.namespace, name: res.name }, annotation: key, value, support: 'unsupported', message: '' };
    if (!c.known) {
      finding.message = c.reason;
    } else {
      const r = remarks.get(key);
      finding.support = c.def.support === 'supported' && r?.partly ? 'partly' : c.def.support;
      const parts = [c.def.maps];
      if (c.def.limits) parts.push(`limits: ${c.def.limits}`);
      if (c.shadowedBy) parts.push(`ignored: ${c.shadowedBy} takes precedence`);
      if (r) parts.push(...r.text);
      const problem = invalid.get(key);
      if (problem) {
        finding.support = 'invalid';
        parts.unshift(problem);
      }
      finding.message = parts.join('; ');
    }
    if (finding.support === 'unsupported') {
      ctx.sink.add(res, pathOf(key), 'unsupported-annotation', `Ingress ${res.namespace}/${res.name}: ${key} is not supported: ${finding.message}`);
    }
    if (finding.support !== 'supported') parsed.annotationProblems.push(`${key} (${finding.support === 'partly' ? 'partly supported' : finding.support})`);
    parsed.findings.push(finding);
  }
  return parsed;
}
