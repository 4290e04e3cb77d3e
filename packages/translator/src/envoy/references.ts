// Cross-resource consistency: every name a resource points at must be in the same set.
import { typeUrlOf } from '@tidegate/envoy-api';
import type { Issue } from '@tidegate/common';
import type { EnvoyResources } from './resources';
import { ConfigType } from './filter-names';
import { isNone, type FeatureReference, type FeatureReferences } from './http-feature';
import { HTTP_FEATURES } from './http-feature-registry';
import { INVALID_BACKEND_CLUSTER } from './weighted-backends';

type Obj = Record<string, unknown>;

const HCM_TYPE = typeUrlOf(ConfigType.HttpConnectionManager);
const TCP_PROXY_TYPE = typeUrlOf(ConfigType.TcpProxy);

/** How each HTTP-filter feature's listener filter configs name clusters and secrets, by type URL. */
const FEATURE_REFS = new Map<string, FeatureReferences[]>();
for (const f of HTTP_FEATURES) {
  if (isNone(f.references)) continue;
  for (const r of f.references) {
    const url = typeUrlOf(r.configType);
    FEATURE_REFS.set(url, [...(FEATURE_REFS.get(url) ?? []), r]);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Names present per type, to check references against. */
interface Known {
  clusters: Set<string>;
  routeConfigurations: Set<string>;
  loadAssignments: Set<string>;
  secrets: Set<string>;
}

/**
 * Finds dangling references: route and TCP proxy clusters (weighted and mirrors included),
 * the clusters and secrets each HTTP-filter feature's listener filters name (its `references`:
 * auth services, JWKS and token endpoints, rate-limit services), RDS names (of listeners and
 * of scopes), scope keys used twice, EDS clusters without a ClusterLoadAssignment, and SDS
 * secret names. The one cluster a route may name without it existing is the reserved
 * invalid-backend share, and no real cluster may take that name.
 */
export function checkReferences(res: EnvoyResources): Issue[] {
  const names = (list: object[], field: string) =>
    new Set(list.map((r) => str((r as Obj)[field])).filter((n): n is string => n !== undefined));
  const known: Known = {
    clusters: names(res.clusters, 'name'),
    routeConfigurations: names(res.routeConfigurations, 'name'),
    loadAssignments: names(res.clusterLoadAssignments, 'cluster_name'),
    secrets: names(res.secrets, 'name'),
  };
  const issues: Issue[] = [];
  if (known.clusters.has(INVALID_BACKEND_CLUSTER)) {
    issues.push({
      code: 'reserved-name',
      path: `clusters[${INVALID_BACKEND_CLUSTER}]`,
      message: `"${INVALID_BACKEND_CLUSTER}" is reserved for the share of traffic that must fail`,
    });
  }
  const ref = (set: Set<string>, code: string, what: string) => (name: unknown, path: string) => {
    const n = str(name);
    if (n !== undefined && !set.has(n)) issues.push({ code, path, message: `${what} "${n}" does not exist` });
  };
  const cluster = ref(known.clusters, 'missing-cluster', 'cluster');
  const routeConfig = ref(known.routeConfigurations, 'missing-route-configuration', 'route configuration');
  const secret = ref(known.secrets, 'missing-secret', 'secret');

  for (const rc of res.routeConfigurations as Obj[]) {
    asList(rc.virtual_hosts).forEach((vh, i) => {
      if (!isObj(vh)) return;
      // Paths are spelled out only for a reference that fails (thousands of hosts per snapshot).
      for (const r of routeClusterRefs(vh)) {
        const n = str(r.name);
        if (n !== undefined && !known.clusters.has(n)) cluster(n, `routeConfigurations[${str(rc.name)}].virtual_hosts[${i}].${r.path}`);
      }
    });
  }

  // Every scoped listener of a proxy receives every scope, so keys must be unique across the set.
  const scopeKeys = new Map<string, string>();
  for (const scope of res.scopedRouteConfigurations as Obj[]) {
    const path = `scopedRouteConfigurations[${str(scope.name)}]`;
    routeConfig(scope.route_configuration_name, `${path}.route_configuration_name`);
    const key = JSON.stringify(isObj(scope.key) ? scope.key.fragments : undefined);
    const first = scopeKeys.get(key);
    if (first !== undefined) issues.push({ code: 'duplicate-scope-key', path: `${path}.key`, message: `same key as scope "${first}"` });
    else scopeKeys.set(key, str(scope.name) ?? '');
  }

  const check = { cluster, routeConfig, secret };
  for (const l of res.listeners as Obj[]) for (const r of nestedRefs(l, `listeners[${str(l.name)}]`)) check[r.kind](r.name, r.path);
  for (const c of res.clusters as Obj[]) {
    for (const r of nestedRefs(c, `clusters[${str(c.name)}]`)) check[r.kind](r.name, r.path);
    if (c.type === 'EDS') {
      const eds = isObj(c.eds_cluster_config) ? str(c.eds_cluster_config.service_name) : undefined;
      const name = eds || str(c.name);
      if (name !== undefined && !known.loadAssignments.has(name)) {
        issues.push({
          code: 'missing-load-assignment',
          path: `clusters[${str(c.name)}]`,
          message: `EDS cluster has no ClusterLoadAssignment "${name}"`,
        });
      }
    }
  }
  return issues;
}

/** A name one resource points at, the kind of resource it names, and where. */
interface NestedRef {
  kind: 'cluster' | 'routeConfig' | 'secret';
  name: unknown;
  path: string;
}

/**
 * The references anywhere inside a listener or cluster (RDS names, TCP proxy clusters, what
 * HTTP-filter features name, SDS secrets), found once per object: the translator hands unchanged
 * clusters over as the same objects, so a snapshot of thousands is not walked again.
 */
const nestedRefCache = new WeakMap<Obj, NestedRef[]>();

function nestedRefs(resource: Obj, base: string): NestedRef[] {
  const cached = nestedRefCache.get(resource);
  if (cached) return cached;
  const refs: NestedRef[] = [];
  walk(resource, base, (o, path) => {
    if (o['@type'] === HCM_TYPE && isObj(o.rds)) refs.push({ kind: 'routeConfig', name: o.rds.route_config_name, path: `${path}.rds.route_config_name` });
    if (o['@type'] === TCP_PROXY_TYPE) {
      refs.push({ kind: 'cluster', name: o.cluster, path: `${path}.cluster` });
      const weighted = isObj(o.weighted_clusters) ? o.weighted_clusters.clusters : undefined;
      // Here too the reserved share is meant to be missing (TCP proxy closes those connections).
      asList(weighted).forEach(
        (w, k) => isObj(w) && w.name !== INVALID_BACKEND_CLUSTER && refs.push({ kind: 'cluster', name: w.name, path: `${path}.weighted_clusters.clusters[${k}].name` }),
      );
    }
    featureRefs(o, path, (r) => refs.push(r));
    asList(o.tls_certificate_sds_secret_configs).forEach(
      (sec, k) => isObj(sec) && refs.push({ kind: 'secret', name: sec.name, path: `${path}.tls_certificate_sds_secret_configs[${k}].name` }),
    );
    if (isObj(o.validation_context_sds_secret_config)) {
      refs.push({ kind: 'secret', name: o.validation_context_sds_secret_config.name, path: `${path}.validation_context_sds_secret_config.name` });
    }
  });
  nestedRefCache.set(resource, refs);
  return refs;
}

/** What a feature's listener filter config `o` (found at `path`) names, by the feature's own reading. */
function featureRefs(o: Obj, path: string, push: (r: FeatureReference) => void): void {
  const readers = typeof o['@type'] === 'string' ? FEATURE_REFS.get(o['@type']) : undefined;
  if (!readers) return;
  for (const reader of readers) for (const r of reader.refs(o)) push({ kind: r.kind, name: r.name, path: `${path}.${r.path}` });
}

/** Cluster names a virtual host's routes use, by virtual host object (re-read only when it is a new object). */
const routeRefs = new WeakMap<Obj, Array<{ name: unknown; path: string }>>();

function routeClusterRefs(vh: Obj): Array<{ name: unknown; path: string }> {
  const cached = routeRefs.get(vh);
  if (cached) return cached;
  const refs: Array<{ name: unknown; path: string }> = [];
  asList(vh.routes).forEach((route, j) => {
    const action = isObj(route) ? route.route : undefined;
    if (!isObj(action)) return;
    const base = `routes[${j}].route`;
    refs.push({ name: action.cluster, path: `${base}.cluster` });
    const weighted = isObj(action.weighted_clusters) ? action.weighted_clusters.clusters : undefined;
    // The reserved invalid-backend share is meant to be missing (Envoy answers it with 500 or 503).
    asList(weighted).forEach((w, k) => isObj(w) && w.name !== INVALID_BACKEND_CLUSTER && refs.push({ name: w.name, path: `${base}.weighted_clusters.clusters[${k}].name` }));
    asList(action.request_mirror_policies).forEach((m, k) => isObj(m) && refs.push({ name: m.cluster, path: `${base}.request_mirror_policies[${k}].cluster` }));
  });
  routeRefs.set(vh, refs);
  return refs;
}

/** Calls `visit` on every object inside `value` (itself included), with its path. */
function walk(value: unknown, path: string, visit: (o: Obj, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  } else if (isObj(value)) {
    visit(value, path);
    for (const [k, v] of Object.entries(value)) if (typeof v === 'object' && v !== null) walk(v, `${path}.${k}`, visit);
  }
}
