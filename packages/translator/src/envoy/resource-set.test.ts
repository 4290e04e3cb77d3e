// buildResourceSet: encodes everything and refuses sets with dangling references or bad fields.
import { TypeUrl } from '@tidegate/envoy-api';
import type { ProxyGroup } from '@tidegate/ir';
import { type EnvoyResources, buildResourceSet, translateProxyGroup } from './index';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const group: ProxyGroup = {
  name: 'default/test',
  httpListeners: [
    {
      name: 'https',
      address: '0.0.0.0',
      port: 8443,
      tls: { certificates: [{ hostnames: ['example.com'], secretName: 'cert' }] },
      virtualHosts: [
        {
          name: 'web',
          domains: ['example.com'],
          routes: [
            {
              name: 'split',
              match: { path: { type: 'prefix', value: '/' } },
              mirrors: [{ backend: 'shadow', percent: 10 }],
              action: {
                kind: 'forward',
                backends: [
                  { backend: 'web', weight: 1 },
                  { backend: 'shadow', weight: 1 },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
  tcpListeners: [],
  grpcApiListeners: [],
  backends: [
    { name: 'web', discovery: { type: 'static', endpoints: [{ address: '10.0.0.1', port: 80 }] }, tls: { caSecret: 'ca' } },
    { name: 'shadow', discovery: { type: 'static', endpoints: [] } },
  ],
  secrets: [
    { name: 'cert', type: 'certificate', certificateChain: 'chain', privateKey: 'key' },
    { name: 'ca', type: 'ca', caCertificate: 'ca' },
  ],
};

/** A fresh, mutable translation of the group. */
const fresh = (): EnvoyResources => structuredClone(translateProxyGroup(group));
const issuesOf = (res: EnvoyResources) => {
  const r = buildResourceSet(res);
  return r.ok ? [] : r.issues;
};
const route = (res: EnvoyResources): Obj => (res.routeConfigurations[0] as Obj).virtual_hosts[0].routes[0];
const hcm = (res: EnvoyResources): Obj => (res.listeners[0] as Obj).filter_chains[0].filters[0].typed_config;

describe('buildResourceSet', () => {
  it('encodes a consistent set, keyed by type URL then name', () => {
    const r = buildResourceSet(fresh());
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect([...(r.value.get(TypeUrl.Cluster)?.keys() ?? [])]).toEqual(['web', 'shadow']);
    expect([...(r.value.get(TypeUrl.ClusterLoadAssignment)?.keys() ?? [])]).toEqual(['web', 'shadow']);
    expect([...(r.value.get(TypeUrl.Listener)?.keys() ?? [])]).toEqual(['https']);
    expect([...(r.value.get(TypeUrl.RouteConfiguration)?.keys() ?? [])]).toEqual(['https']);
    expect([...(r.value.get(TypeUrl.Secret)?.keys() ?? [])]).toEqual(['cert', 'ca']);
  });

  it('reports a route naming a missing cluster, weighted or mirrored', () => {
    const res = fresh();
    const action = route(res).route;
    action.weighted_clusters.clusters[1].name = 'gone';
    action.request_mirror_policies[0].cluster = 'also-gone';
    expect(issuesOf(res)).toEqual([
      {
        code: 'missing-cluster',
        path: 'routeConfigurations[https].virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name',
        message: 'cluster "gone" does not exist',
      },
      {
        code: 'missing-cluster',
        path: 'routeConfigurations[https].virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster',
        message: 'cluster "also-gone" does not exist',
      },
    ]);
  });

  it('reports a plain route cluster that is missing', () => {
    const res = fresh();
    route(res).route = { cluster: 'nope' };
    expect(issuesOf(res)).toEqual([
      expect.objectContaining({ code: 'missing-cluster', path: 'routeConfigurations[https].virtual_hosts[0].routes[0].route.cluster' }),
    ]);
  });

  it('reports a listener naming a missing route configuration', () => {
    const res = fresh();
    res.routeConfigurations = [];
    expect(issuesOf(res)).toEqual([
      {
        code: 'missing-route-configuration',
        path: 'listeners[https].filter_chains[0].filters[0].typed_config.rds.route_config_name',
        message: 'route configuration "https" does not exist',
      },
    ]);
  });

  it('reports an EDS cluster without a load assignment', () => {
    const res = fresh();
    res.clusterLoadAssignments = res.clusterLoadAssignments.filter((c) => (c as Obj).cluster_name !== 'shadow');
    expect(issuesOf(res)).toEqual([
      { code: 'missing-load-assignment', path: 'clusters[shadow]', message: 'EDS cluster has no ClusterLoadAssignment "shadow"' },
    ]);
  });

  it('reports missing secrets for listeners and clusters', () => {
    const res = fresh();
    res.secrets = [];
    expect(issuesOf(res)).toEqual([
      {
        code: 'missing-secret',
        path: 'listeners[https].filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name',
        message: 'secret "cert" does not exist',
      },
      {
        code: 'missing-secret',
        path: 'clusters[web].transport_socket.typed_config.common_tls_context.combined_validation_context.validation_context_sds_secret_config.name',
        message: 'secret "ca" does not exist',
      },
    ]);
  });

  it('reports an unknown field with its resource and path', () => {
    const res = fresh();
    hcm(res).use_remote_adress = { value: true };
    expect(issuesOf(res)).toEqual([
      {
        code: 'unknown-field',
        path: 'listeners[https].filter_chains[0].filters[0].typed_config.use_remote_adress',
        message: 'HttpConnectionManager has no field "use_remote_adress"',
      },
    ]);
  });

  it('reports a bad enum value', () => {
    const res = fresh();
    (res.clusters[0] as Obj).lb_policy = 'FASTEST';
    expect(issuesOf(res)).toEqual([expect.objectContaining({ code: 'bad-enum', path: 'clusters[web].lb_policy' })]);
  });

  it('reports duplicate names within a type', () => {
    const res = fresh();
    res.clusters.push(structuredClone(res.clusters[0] as Obj));
    expect(issuesOf(res)).toEqual([{ code: 'duplicate-name', path: 'clusters[web]', message: '"web" appears more than once' }]);
  });

  it('reports a resource without a name', () => {
    const res = fresh();
    delete (res.clusterLoadAssignments[1] as Obj).cluster_name;
    expect(issuesOf(res)).toEqual(
      expect.arrayContaining([{ code: 'missing-name', path: 'clusterLoadAssignments[1].cluster_name', message: 'resource has no cluster_name' }]),
    );
  });

  it('checks TCP proxy clusters too', () => {
    const res = translateProxyGroup({
      ...group,
      httpListeners: [],
      tcpListeners: [{ name: 'tcp', address: '0.0.0.0', port: 9000, routes: [{ name: 'r', backends: [{ backend: 'web', weight: 1 }] }] }],
    });
    res.clusters = res.clusters.filter((c) => (c as Obj).name !== 'web');
    res.clusterLoadAssignments = res.clusterLoadAssignments.filter((c) => (c as Obj).cluster_name !== 'web');
    expect(issuesOf(res)).toEqual([
      expect.objectContaining({ code: 'missing-cluster', path: 'listeners[tcp].filter_chains[0].filters[0].typed_config.cluster' }),
    ]);
  });

  describe('the invalid-backend share', () => {
    const withInvalidShare = (): EnvoyResources => {
      const g = structuredClone(group);
      const r = g.httpListeners[0]!.virtualHosts[0]!.routes[0]!;
      r.action = { kind: 'forward', backends: [{ backend: 'web', weight: 1 }], invalidWeight: 1 };
      return structuredClone(translateProxyGroup(g));
    };

    it('accepts the reserved cluster name in a route\'s weighted clusters, which Envoy answers with 500', () => {
      const res = withInvalidShare();
      expect(route(res).route).toMatchObject({
        weighted_clusters: { clusters: [{ name: 'web' }, { name: 'tidegate.invalid-backend' }] },
        cluster_not_found_response_code: 'INTERNAL_SERVER_ERROR',
      });
      expect(issuesOf(res)).toEqual([]);
    });

    it('accepts it nowhere else', () => {
      const res = withInvalidShare();
      route(res).route = { cluster: 'tidegate.invalid-backend' };
      expect(issuesOf(res)).toEqual([
        expect.objectContaining({ code: 'missing-cluster', path: 'routeConfigurations[https].virtual_hosts[0].routes[0].route.cluster' }),
      ]);
    });

    it('refuses a real cluster taking the reserved name', () => {
      const res = withInvalidShare();
      (res.clusters[1] as Obj).name = 'tidegate.invalid-backend';
      (res.clusterLoadAssignments[1] as Obj).cluster_name = 'tidegate.invalid-backend';
      expect(issuesOf(res)).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'reserved-name', path: 'clusters[tidegate.invalid-backend]' })]),
      );
    });
  });

  it('reports an external auth service whose cluster is missing', () => {
    const g = structuredClone(group);
    g.httpListeners[0]!.virtualHosts[0]!.routes[0]!.externalAuth = { backend: 'shadow' };
    const res = structuredClone(translateProxyGroup(g));
    expect(issuesOf(res)).toEqual([]);
    res.clusters = res.clusters.filter((c) => (c as Obj).name !== 'shadow');
    res.clusterLoadAssignments = res.clusterLoadAssignments.filter((c) => (c as Obj).cluster_name !== 'shadow');
    const issues = issuesOf(res);
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: 'missing-cluster',
        path: 'listeners[https].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.http_service.server_uri.cluster',
      }),
    );
  });
});
