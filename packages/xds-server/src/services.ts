// Hand-made grpc service definitions for ADS and the per-type discovery services.
import type * as grpc from '@grpc/grpc-js';
import { TypeUrl } from '@tidegate/envoy-api';
import { decodeDeltaRequest, decodeSotwRequest, type DeltaRequest, type SotwRequest } from './requests';
import type { XdsProtocol } from './types';

/** One bidi-streaming xDS method and what it serves. */
export interface XdsMethod {
  /** Key in the service definition, e.g. `StreamClusters`. */
  readonly name: string;
  readonly protocol: XdsProtocol;
  /** Per-type services serve only this type; ADS (undefined) serves every type. */
  readonly typeUrl?: string;
}

/** One gRPC service: its full name and its methods. */
export interface XdsService {
  readonly fullName: string;
  readonly methods: readonly XdsMethod[];
}

const perType = (fullName: string, noun: string, typeUrl: string): XdsService => ({
  fullName,
  methods: [
    { name: `Stream${noun}`, protocol: 'sotw', typeUrl },
    { name: `Delta${noun}`, protocol: 'delta', typeUrl },
  ],
});

/** Every service the server exposes. Fetch* (REST-style unary) methods are not served. */
export const XDS_SERVICES: readonly XdsService[] = [
  {
    fullName: 'envoy.service.discovery.v3.AggregatedDiscoveryService',
    methods: [
      { name: 'StreamAggregatedResources', protocol: 'sotw' },
      { name: 'DeltaAggregatedResources', protocol: 'delta' },
    ],
  },
  perType('envoy.service.cluster.v3.ClusterDiscoveryService', 'Clusters', TypeUrl.Cluster),
  perType('envoy.service.listener.v3.ListenerDiscoveryService', 'Listeners', TypeUrl.Listener),
  perType('envoy.service.route.v3.RouteDiscoveryService', 'Routes', TypeUrl.RouteConfiguration),
  perType('envoy.service.route.v3.ScopedRoutesDiscoveryService', 'ScopedRoutes', TypeUrl.ScopedRouteConfiguration),
  perType('envoy.service.endpoint.v3.EndpointDiscoveryService', 'Endpoints', TypeUrl.ClusterLoadAssignment),
  perType('envoy.service.secret.v3.SecretDiscoveryService', 'Secrets', TypeUrl.Secret),
];

// Responses are built byte by byte elsewhere; serializing them is the identity.
const identity = (b: Buffer): Buffer => b;

/**
 * The grpc-js definition of one service: requests decoded with the Envoy protos, responses
 * passed through as the Buffers the sessions assemble. Clients of these definitions (tests)
 * get raw Buffers back.
 */
export function serviceDefinition(service: XdsService): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<SotwRequest | DeltaRequest, Buffer>> = {};
  for (const m of service.methods) {
    def[m.name] = {
      path: `/${service.fullName}/${m.name}`,
      originalName: m.name,
      requestStream: true,
      responseStream: true,
      requestDeserialize: m.protocol === 'sotw' ? decodeSotwRequest : decodeDeltaRequest,
      requestSerialize: () => {
        throw new Error('xDS requests are only decoded by the server');
      },
      responseSerialize: identity,
      responseDeserialize: identity,
    };
  }
  return def;
}
