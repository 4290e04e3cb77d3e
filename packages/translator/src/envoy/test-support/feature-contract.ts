// What a registered HTTP-filter feature must provide, checked against the golden cases (used by the registry test).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IR_FEATURE_CHECKS, type ProxyGroup } from '@tidegate/ir';
import type { EnvoyObject } from '../envoy-object';
import { FILTER_PHASES, isNone, type HttpFeature } from '../http-feature';
import { translateProxyGroup } from '../translate';
import { TESTDATA, caseOptions, loadCase } from './golden-cases';

const hasReason = (part: unknown): boolean => isNone(part) && typeof part.none === 'string' && part.none.trim() !== '';
const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';

/** Every object inside `value`, itself included. */
function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (typeof value === 'object' && value !== null) {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/**
 * The parts of the contract `f` lacks, one message each (empty: complete). Static parts are
 * checked on the object; the golden cases it names must exist and exercise it: some listener
 * gets its filters, some route (and virtual host) its settings, and its reference readers
 * find a name in the translated listeners.
 */
export function contractProblems(f: HttpFeature): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(f.name ?? '')) problems.push('name: missing or not kebab-case');
  if (!FILTER_PHASES.includes(f.phase)) problems.push(`phase: "${String(f.phase)}" is not one of ${FILTER_PHASES.join(', ')}`);
  if (!isFunction(f.listenerFilters)) problems.push('listenerFilters: missing');
  if (!isFunction(f.perRoute) && !hasReason(f.perRoute)) problems.push('perRoute: neither a function nor { none: reason }');
  const host = f.perVirtualHost;
  if (!hasReason(host) && !(host && !isNone(host) && (isFunction(host.perFilterConfig) || isFunction(host.routes)))) {
    problems.push('perVirtualHost: neither a part nor { none: reason }');
  }
  if (!hasReason(f.validation)) {
    if (!f.validation || isNone(f.validation) || !IR_FEATURE_CHECKS.includes(f.validation)) problems.push('validation: not an IR check registered in IR_FEATURE_CHECKS, nor { none: reason }');
    else if (f.validation.name !== f.name) problems.push(`validation: IR check "${f.validation.name}" belongs to another feature`);
  }
  const refs = f.references;
  const readers = refs && !isNone(refs) && Array.isArray(refs) ? refs : [];
  if (!hasReason(refs) && (readers.length === 0 || readers.some((r) => typeof r.configType !== 'string' || !isFunction(r.refs)))) {
    problems.push('references: neither readers ({ configType, refs }) nor { none: reason }');
  }
  const cases = Array.isArray(f.goldenCases) ? f.goldenCases : [];
  if (cases.length === 0) problems.push('goldenCases: none named');
  const missing = cases.filter((c) => !fs.existsSync(path.join(TESTDATA, `${c}.in.yaml`)));
  if (missing.length) problems.push(`goldenCases: no testdata for ${missing.join(', ')}`);
  if (problems.length) return problems;
  return exercised(f, cases.map((c) => ({ group: loadCase(c), options: caseOptions(c) })));
}

/** Which parts of `f` none of its golden cases exercise. */
function exercised(f: HttpFeature, cases: Array<{ group: ProxyGroup; options: ReturnType<typeof caseOptions> }>): string[] {
  const listeners = cases.flatMap((c) => c.group.httpListeners);
  const hosts = listeners.flatMap((l) => l.virtualHosts);
  const routes = hosts.flatMap((vh) => vh.routes);
  const problems: string[] = [];
  if (!listeners.some((l) => f.listenerFilters(l).length > 0)) problems.push('goldenCases: no listener gets its filters');
  if (!isNone(f.perRoute)) {
    const part = f.perRoute;
    if (!routes.some((r) => part(r) !== undefined)) problems.push('goldenCases: no route gets its per-route settings');
  }
  if (!isNone(f.perVirtualHost)) {
    const part = f.perVirtualHost;
    if (part.perFilterConfig && !hosts.some((vh) => part.perFilterConfig?.(vh) !== undefined)) problems.push('goldenCases: no virtual host gets its settings');
    if (part.routes && !hosts.some((vh) => (part.routes?.(vh) ?? []).length > 0)) problems.push('goldenCases: no virtual host gets its routes');
  }
  if (!isNone(f.references)) {
    const configs = cases.flatMap((c) => translateProxyGroup(c.group, c.options).listeners as EnvoyObject[]).flatMap((l) => [...objects(l)]);
    for (const reader of f.references) {
      const read = configs.filter((o) => typeof o['@type'] === 'string' && o['@type'].endsWith(`/${reader.configType}`)).flatMap((o) => reader.refs(o));
      if (!read.some((r) => typeof r.name === 'string')) problems.push(`goldenCases: no ${reader.configType} naming a cluster or secret`);
    }
  }
  return problems;
}
