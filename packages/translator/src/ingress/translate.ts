// The Ingress translator: Ingresses of our class (with ingress-nginx / Higress annotations) → the default gateway's ProxyGroup.
import type { SourcedObject } from '@tidegate/common';
import { getLogger } from '@tidegate/common';
import { type Backend, type ProxyGroup, type Route, type Secret } from '@tidegate/ir';
import {
  checkedProxyGroup,
  reportLeftOut,
  BackendPolicies,
  BackendPolicyKind,
  EndpointSliceKind,
  ErrorSink,
  ResourceIndex,
  SecretKind,
  ServiceBackends,
  ServiceKind,
  type KindSchema,
} from '../resources';
import { ConfigMapKind } from '../resources/config-map';
import { translateRegistries } from '../registry';
import { redirectGroup } from './annotations/redirect';
import { createLookups, type IngressContext } from './context';
import { ourIngresses } from './ingress-class';
import { IngressState, type IngressMemo } from './ingress-state';
import { settingsOf, type ParsedIngress } from './ingress-settings';
import { buildGroup } from './proxy-group';
import { ingressStatus } from './status';
import { ingressCertificates } from './tls-certificates';
import type { IngressTranslateOptions, IngressTranslationResult } from './types';
import { IngressClassKind, IngressKind } from './schema';

const log = getLogger('ingress');

/** Every kind this translator reads. */
export const INGRESS_KINDS: ReadonlyArray<KindSchema<unknown>> = [
  IngressKind,
  IngressClassKind,
  ServiceKind,
  EndpointSliceKind,
  SecretKind,
  ConfigMapKind,
  BackendPolicyKind,
];

/**
 * Translates Ingresses of our class into one ProxyGroup (the default gateway): an HTTP
 * listener, and an HTTPS listener when some Ingress has TLS. Pure: the same objects always
 * give the same result. A mistake in one Ingress is an error (and a status condition); the
 * rest keeps serving. With a cache, only what changed since the last translation is
 * translated again (see IngressState).
 */
export function translateIngress(objects: readonly SourcedObject[], options: IngressTranslateOptions): IngressTranslationResult {
  const sink = new ErrorSink();
  const index = new ResourceIndex(objects, INGRESS_KINDS, sink);
  // BackendPolicy problems are reported by the Gateway API translator, which owns that kind.
  const services = new ServiceBackends(index, new BackendPolicies(index, new ErrorSink()));
  // McpBridges' own mistakes are the registry translator's to report.
  const registries = options.registries ?? translateRegistries(objects).catalog;
  const ctx: IngressContext = { index, sink, options, services, lookups: createLookups(index, services), registries };
  const state = options.cache?.begin(objects, options) ?? new IngressState();
  try {
    return translateState(state, ctx);
  } catch (err) {
    // A half-done update must not be built on: the next translation starts afresh.
    options.cache?.forget();
    throw err;
  }
}

function translateState(state: IngressState, ctx: IngressContext): IngressTranslationResult {
  const { sink, options } = ctx;
  const { ours, otherClasses } = ourIngresses(ctx.index, options);
  const reworked = state.update(ours, ctx);
  // Each object's errors in a fixed order: its parse and paths, its hosts (in host order), certificates, app-root.
  for (const m of state.oldestFirst('errors')) sink.errors.push(...m.errors);
  for (const host of state.hosts) {
    const errors = state.hostResults.get(host)?.errors ?? [];
    if (errors.length) sink.errors.push(...errors);
  }
  const tls = state.oldestFirst('tls');
  const certProblems = new Map<ParsedIngress, string[]>();
  const certs = ingressCertificates(
    tls.map((m) => m.parsed),
    ctx,
    (p, message) => certProblems.set(p, [...(certProblems.get(p) ?? []), message]),
  );
  const appRoots = appRootRoutes(state.oldestFirst('appRoot'), ctx);
  if (certs.refs.length === 0) reportDeadRedirects(state.oldestFirst('forceSsl'), ctx);

  // A status changes with the Ingress's outcome on its hosts; its certificate problems
  // depend on nothing but itself and the environment, so they change only with it.
  for (const m of reworked) {
    const problems = certProblems.get(m.parsed);
    const outcome = problems ? { ...m.outcome, certificates: problems } : m.outcome;
    state.setStatus(m, ingressStatus(outcome, options.publishAddress));
  }
  const proxyGroups: ProxyGroup[] = [];
  if (state.size > 0) {
    const contributes = (m: IngressMemo) => m.outcome.served > 0 || certs.contributors.has(m.key);
    const backends = new Map<string, Backend>();
    const secrets = new Map<string, Secret>();
    for (const host of state.hosts) {
      const needs = state.hostResults.get(host)?.needs;
      if (!needs) continue;
      for (const [name, b] of needs.backends) backends.set(name, b);
      for (const [name, s] of needs.secrets) secrets.set(name, s);
    }
    for (const m of state.oldestFirst('needs')) {
      if (!contributes(m)) continue;
      for (const b of m.parsed.needs.backends) if (!backends.has(b.name)) backends.set(b.name, b);
      for (const s of m.parsed.needs.secrets) if (!secrets.has(s.name)) secrets.set(s.name, s);
    }
    for (const s of certs.secrets) secrets.set(s.name, s);
    const group = buildGroup(
      {
        hosts: state.hosts,
        hostResults: state.hostResults,
        appRoots,
        certs,
        listenerSettings: state.oldestFirst('listener').filter(contributes).map((m) => m.parsed),
        backends: state.backends.of(backends),
        secrets: state.secrets.of(secrets),
      },
      options,
    );
    // What fails the IR checks is left out, on the Ingress it came from; every other host keeps serving.
    const checked = checkedProxyGroup(group);
    const owner = { ref: { kind: 'ProxyGroup', name: group.name } };
    if (checked.ok) {
      proxyGroups.push(checked.group);
      reportLeftOut(sink, checked.leftOut, owner);
    } else {
      // No part to blame (a translator bug): the group is kept out rather than handed on broken.
      log.error({ group: group.name, issues: checked.issues }, 'translated ProxyGroup failed IR validation');
      for (const issue of checked.issues) sink.add(owner, issue.path, 'internal-error', issue.message);
    }
  }
  return {
    proxyGroups,
    statuses: state.statuses,
    errors: sink.sorted(),
    annotationReport: state.annotationReport,
    otherClasses,
  };
}

/** force-ssl-redirect while no certificate is usable: nothing listens on https, so the paths are served on http instead. */
function reportDeadRedirects(ingresses: IngressMemo[], ctx: IngressContext): void {
  for (const m of ingresses) {
    if (m.outcome.served === 0) continue;
    const key = settingsOf(m.parsed, redirectGroup)?.forceSslRedirectKey ?? 'force-ssl-redirect';
    const why = `no Ingress has a usable TLS certificate, so there is no HTTPS listener (port ${ctx.options.gateway.httpsPort}) to redirect to: the paths are served on http`;
    ctx.sink.add(m.parsed.res, `metadata.annotations[${JSON.stringify(key)}]`, 'no-https-listener', `Ingress ${m.res.namespace}/${m.res.name}: ${key}: ${why}`);
  }
}

/** app-root: `/` on the Ingress's hosts redirects (302); the oldest Ingress wins a host. */
function appRootRoutes(ingresses: IngressMemo[], ctx: IngressContext): Map<string, Route> {
  const out = new Map<string, Route>();
  const owners = new Map<string, ParsedIngress>();
  for (const m of ingresses) {
    const p = m.parsed;
    const root = settingsOf(p, redirectGroup)?.appRoot;
    if (!root) continue;
    const hosts = [...new Set(m.entries.filter((e) => !e.fallback).map((e) => e.host))];
    for (const host of hosts) {
      const owner = owners.get(host);
      if (owner) {
        const key = Object.keys(p.res.object.metadata.annotations ?? {}).find((k) => k.endsWith('/app-root')) ?? 'app-root';
        ctx.sink.add(p.res, `metadata.annotations[${JSON.stringify(key)}]`, 'conflict', `app-root for host ${host} is already set by the older Ingress ${owner.res.namespace}/${owner.res.name}`);
        continue;
      }
      owners.set(host, p);
      out.set(host, {
        name: `ingress/${p.res.namespace}/${p.res.name}/app-root`,
        match: { path: { type: 'exact', value: '/' } },
        action: { kind: 'redirect', path: { type: 'full', value: root }, statusCode: 302 },
      });
    }
  }
  return out;
}
