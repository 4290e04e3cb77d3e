// The HTTP-filter feature registry: every feature fulfils the whole contract, the phase order gives the chain, references are checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IR_FEATURE_CHECKS, validateProxyGroup, type HttpListener, type IrFeatureCheck, type ProxyGroup, type Route } from '@tidegate/ir';
import { FILTER_PHASES, isNone, type HttpFeature } from './http-feature';
import { CHAIN_ORDER, HTTP_FEATURES } from './http-feature-registry';
import { httpFilters } from './http-filters';
import { checkReferences } from './references';
import type { EnvoyResources } from './resources';
import { contractProblems } from './test-support/feature-contract';
import { caseOptions, loadCase } from './test-support/golden-cases';
import { translateProxyGroup } from './translate';
import { basicAuthFeature } from './basic-auth';
import { corsFeature } from './cors';
import { externalAuthFeature } from './external-auth';

const byName = (name: string): HttpFeature => HTTP_FEATURES.find((f) => f.name === name) as HttpFeature;

describe('HTTP feature registry', () => {
  test.each(HTTP_FEATURES.map((f) => [f.name, f] as const))('%s fulfils the feature contract', (_name, feature) => {
    expect(contractProblems(feature)).toEqual([]);
  });

  it('registers each feature once, and every IR feature check belongs to exactly one feature', () => {
    const names = HTTP_FEATURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const check of IR_FEATURE_CHECKS) {
      expect([check.name, HTTP_FEATURES.filter((f) => f.validation === check).length]).toEqual([check.name, 1]);
    }
  });

  describe('a feature missing a part of the contract fails', () => {
    // Each variant drops or breaks one part of a complete feature; the message names the part.
    const unregistered: IrFeatureCheck = { name: 'external-auth', route: () => undefined };
    const variants: Array<[string, HttpFeature, string]> = [
      ['unknown phase', { ...basicAuthFeature, phase: 'later' as never }, 'phase:'],
      ['no phase', { ...basicAuthFeature, phase: undefined as never }, 'phase:'],
      ['no listener filter', { ...basicAuthFeature, listenerFilters: undefined as never }, 'listenerFilters:'],
      ['no per-route part', { ...basicAuthFeature, perRoute: undefined as never }, 'perRoute:'],
      ['a "none" without a reason', { ...basicAuthFeature, perRoute: { none: ' ' } }, 'perRoute:'],
      ['no per-virtual-host part', { ...basicAuthFeature, perVirtualHost: undefined as never }, 'perVirtualHost:'],
      ['an empty per-virtual-host part', { ...corsFeature, perVirtualHost: {} }, 'perVirtualHost:'],
      ['no validation', { ...basicAuthFeature, validation: undefined as never }, 'validation:'],
      ['an IR check validate() does not run', { ...externalAuthFeature, validation: unregistered }, 'validation:'],
      ['another feature’s IR check', { ...externalAuthFeature, validation: byName('rate-limit').validation }, 'validation:'],
      ['no references', { ...basicAuthFeature, references: undefined as never }, 'references:'],
      ['an empty reference list', { ...basicAuthFeature, references: [] }, 'references:'],
      ['no golden case', { ...basicAuthFeature, goldenCases: [] }, 'goldenCases:'],
      ['a golden case that does not exist', { ...basicAuthFeature, goldenCases: ['no-such-case'] }, 'goldenCases:'],
      ['a golden case that does not exercise it', { ...basicAuthFeature, goldenCases: ['http-basic'] }, 'goldenCases:'],
      ['golden cases without its host part', { ...corsFeature, goldenCases: ['cors-credentials-wildcard'] }, 'goldenCases: no virtual host'],
      ['golden cases where its references are not read', { ...externalAuthFeature, goldenCases: ['basic-auth'] }, 'goldenCases:'],
    ];
    test.each(variants)('%s', (_what, feature, part) => {
      expect(contractProblems(feature)).toEqual(expect.arrayContaining([expect.stringContaining(part)]));
    });
  });

  it('orders the chain by phase, which gives the chain the features had before phases were explicit', () => {
    const phases = CHAIN_ORDER.map((f) => FILTER_PHASES.indexOf(f.phase));
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(httpFilters(everyFeatureListener()).filters.map((f) => f.name)).toEqual([
      'envoy.filters.http.custom_response',
      'envoy.filters.http.header_mutation.cors_echo',
      'envoy.filters.http.cors',
      'envoy.filters.http.local_ratelimit',
      'envoy.filters.http.rbac',
      'envoy.filters.http.basic_auth',
      'envoy.filters.http.header_mutation.auth_headers',
      expect.stringMatching(/^envoy\.filters\.http\.ext_authz\.auth\.[0-9a-f]{8}$/),
      'envoy.filters.http.buffer',
      'envoy.filters.http.stateful_session',
      'envoy.filters.http.compressor.gzip',
      'envoy.filters.http.grpc_json_transcoder',
      'envoy.filters.http.router',
    ]);
  });

  it('lists every feature and phase in the README, in chain order', () => {
    const readme = fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| `([a-z-]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(CHAIN_ORDER.map((f) => [f.name, f.phase]));
    const phaseList = readme.match(/^Phases: (.*)$/m)?.[1];
    expect(phaseList).toBe([...FILTER_PHASES, 'router'].map((p) => `\`${p}\``).join(' → '));
  });
});

describe('references of features', () => {
  type Obj = Record<string, unknown>;
  const translated = (name: string): { group: ProxyGroup; res: EnvoyResources } => {
    const group = loadCase(name);
    return { group, res: structuredClone(translateProxyGroup(group, caseOptions(name))) };
  };
  const without = (res: EnvoyResources, cluster: string): EnvoyResources => ({
    ...res,
    clusters: res.clusters.filter((c) => (c as Obj).name !== cluster),
    clusterLoadAssignments: res.clusterLoadAssignments.filter((c) => (c as Obj).cluster_name !== cluster),
  });

  // Each feature whose listener filters name clusters or secrets: take away each name its
  // golden case uses, and the reference check must report it at the feature's field.
  const readers = HTTP_FEATURES.flatMap((f) => (isNone(f.references) ? [] : f.references.map((r) => [f.name, r.configType, f] as const)));
  test.each(readers)('%s: every name its %s names is reported when missing', (_name, configType, feature) => {
    const { res } = translated(feature.goldenCases[0] as string);
    expect(checkReferences(res)).toEqual([]);
    const reader = (feature.references as Exclude<HttpFeature['references'], { none: string }>).find((r) => r.configType === configType)!;
    const named = res.listeners.flatMap((l) => configsOf(l, configType)).flatMap((o) => reader.refs(o));
    expect(named.length).toBeGreaterThan(0);
    for (const ref of named) {
      const name = ref.name as string;
      const res2 = ref.kind === 'cluster' ? without(res, name) : { ...res, secrets: res.secrets.filter((s) => (s as Obj).name !== name) };
      expect(checkReferences(res2)).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: `missing-${ref.kind}`, path: expect.stringMatching(new RegExp(`\\.${escape(ref.path)}$`)), message: `${ref.kind} "${name}" does not exist` })]),
      );
    }
  });

  it('external-auth: the auth service cluster is found at the filter that names it', () => {
    const { res } = translated('external-auth');
    expect(checkReferences(without(res, 'auth'))).toContainEqual(
      expect.objectContaining({ code: 'missing-cluster', path: expect.stringMatching(/^listeners\[http\]\..*\.http_filters\[\d+\]\.typed_config\.http_service\.server_uri\.cluster$/) }),
    );
  });

  it('custom-errors: the error backend is the cluster of a hidden route, checked like every route', () => {
    const { res } = translated('custom-errors');
    expect(checkReferences(res)).toEqual([]);
    expect(checkReferences(without(res, 'error-pages'))).toContainEqual({
      code: 'missing-cluster',
      path: 'routeConfigurations[http].virtual_hosts[0].routes[0].route.cluster',
      message: 'cluster "error-pages" does not exist',
    });
  });

  test.each([
    ['external-auth', 'auth', 'externalAuth.backend'],
    ['custom-errors', 'error-pages', 'customErrors.backend'],
  ])('%s: the IR check reports a missing backend', (name, backend, field) => {
    const group = loadCase(name);
    const broken = { ...group, backends: group.backends.filter((b) => b.name !== backend) };
    const result = validateProxyGroup(broken);
    expect(result.ok ? [] : result.issues).toContainEqual(expect.objectContaining({ code: 'missing-backend', path: expect.stringContaining(`.${field}`) }));
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Typed configs of `configType` anywhere in a resource. */
function configsOf(resource: object, configType: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (o['@type'] === `type.googleapis.com/${configType}`) out.push(o);
      Object.values(o).forEach(visit);
    }
  };
  visit(resource);
  return out;
}

/** One listener where one route uses every feature, for the chain order. */
function everyFeatureListener(): HttpListener {
  const route: Route = {
    name: 'all',
    match: { path: { type: 'prefix', value: '/' } },
    action: { kind: 'forward', backends: [{ backend: 'web', weight: 1 }] },
    // Credentials with any method: the preflight echo goes in ahead of the cors filter.
    cors: { allowOrigins: ['*'], allowMethods: ['*'], allowCredentials: true },
    customErrors: { statusCodes: [503], backend: 'errors' },
    rateLimit: { requests: 10, per: 'second' },
    ipAccess: { allow: ['10.0.0.0/8'] },
    basicAuth: { htpasswd: 'u:{SHA}AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
    externalAuth: { backend: 'auth', responseHeadersToUpstream: ['x-user'] },
    maxRequestBodyBytes: 1024,
    sessionPersistence: { cookie: { name: 's' } },
    grpcJsonTranscoder: { descriptorSet: 'AAAA', services: ['a.B'] },
  };
  return { name: 'http', address: '0.0.0.0', port: 8080, compression: ['gzip'], virtualHosts: [{ name: 'vh', domains: ['*'], routes: [route] }] };
}
