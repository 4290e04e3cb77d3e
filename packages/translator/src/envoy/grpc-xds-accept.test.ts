// Proxyless gRPC clients must accept what they are served: run @grpc/grpc-js-xds's own resource
// validation over the API listeners, their route configurations, clusters and endpoints.
import { register } from '@grpc/grpc-js-xds';
import { TypeUrl, type EncodedResource } from '@tidegate/envoy-api';
import { ClusterResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type';
import { buildResourceSet, translateProxyGroup } from './index';
import { goldenCases, loadCase } from './test-support/golden-cases';

type Decoder = { decode(context: unknown, resource: { type_url: string; value: Buffer }): { name: string; error?: string } };

/** What the client's decoders read from their context for these resources. */
const CONTEXT = { bootstrap: { certificateProviders: {} }, server: {} };

const grpcCases = goldenCases().filter((name) => loadCase(name).grpcApiListeners.length > 0);

function accept(decoder: Decoder, resource: EncodedResource | undefined, what: string): void {
  if (!resource) throw new Error(`${what} was not produced`);
  const decoded = decoder.decode(CONTEXT, { type_url: resource.typeUrl, value: Buffer.from(resource.value) });
  expect({ what, error: decoded.error }).toEqual({ what, error: undefined });
}

describe('@grpc/grpc-js-xds accepts proxyless resources', () => {
  // What every proxyless client does first: it registers the router filter and LB policies.
  beforeAll(() => register());

  it('has a proxyless case', () => expect(grpcCases.length).toBeGreaterThan(0));

  test.each(grpcCases)('%s', (name) => {
    const group = loadCase(name);
    const resources = translateProxyGroup(group);
    const set = buildResourceSet(resources);
    if (!set.ok) throw new Error(JSON.stringify(set.issues));
    const of = (type: string, n: string) => set.value.get(type)?.get(n);
    const clusters = new Set<string>();
    for (const g of group.grpcApiListeners) {
      accept(ListenerResourceType.get() as unknown as Decoder, of(TypeUrl.Listener, g.name), `listener ${g.name}`);
      accept(RouteConfigurationResourceType.get() as unknown as Decoder, of(TypeUrl.RouteConfiguration, g.name), `routes ${g.name}`);
      for (const vh of g.virtualHosts) {
        for (const r of vh.routes) if (r.action.kind === 'forward') r.action.backends.forEach((b) => clusters.add(b.backend));
      }
    }
    for (const c of clusters) {
      accept(ClusterResourceType.get() as unknown as Decoder, of(TypeUrl.Cluster, c), `cluster ${c}`);
      const cla = of(TypeUrl.ClusterLoadAssignment, c);
      if (cla) accept(EndpointResourceType.get() as unknown as Decoder, cla, `endpoints ${c}`);
    }
  });
});
