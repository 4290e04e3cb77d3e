// A lightweight SotW ADS client for the fan-out benchmark: it subscribes, ACKs every
// response, and never decodes resources (a real proxy's decode cost is not ours to measure).
import * as grpc from '@grpc/grpc-js';
import { TypeUrl, envoyRoot } from '@tidegate/envoy-api';

const METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

export interface SimClientOptions {
  target: string;
  nodeId: string;
  group: string;
  /** Names a real proxy would learn from CDS/LDS; given up front to keep the client cheap. */
  clusterNames: string[];
  routeNames: string[];
}

/** Opens one ADS stream and keeps ACKing until closed. */
export function startSimClient(opts: SimClientOptions, channel?: grpc.Client): { close(): void } {
  const root = envoyRoot();
  const Request = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  const Response = root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const client = channel ?? new grpc.Client(opts.target, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest(
    METHOD,
    (req: object) => Buffer.from(Request.encode(Request.fromObject(req)).finish()),
    (buf: Buffer) => Response.decode(buf) as unknown as { version_info: string; nonce: string; type_url: string },
  );
  const names: Record<string, string[]> = {
    [TypeUrl.Cluster]: [],
    [TypeUrl.Listener]: [],
    [TypeUrl.ClusterLoadAssignment]: opts.clusterNames,
    [TypeUrl.RouteConfiguration]: opts.routeNames,
  };
  let first = true;
  const send = (typeUrl: string, version = '', nonce = ''): void => {
    const req: Record<string, unknown> = { type_url: typeUrl, resource_names: names[typeUrl], version_info: version, response_nonce: nonce };
    if (first) req.node = { id: opts.nodeId, cluster: opts.group };
    first = false;
    call.write(req);
  };
  call.on('data', (res: { version_info: string; nonce: string; type_url: string }) => send(res.type_url, res.version_info, res.nonce));
  call.on('error', () => undefined); // closing the benchmark cancels streams
  for (const t of [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]) send(t);
  return {
    close() {
      call.cancel();
      if (!channel) client.close();
    },
  };
}
