// The set-up the SecurityPolicy suites share: an echo app and a JSON-gRPC service behind Gateway gw (listener "http") of a standalone Tidegate.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, grpcService, httpListener, service, simpleRoute } from './fixtures';
import { JsonGrpcClient, startJsonGrpc, type JsonGrpcServer } from './grpc-json';
import { freePort, httpRequest, waitFor, type HttpResult } from './http';
import { startStandalone, type StandaloneHarness } from './standalone';

export interface SecurityGateway {
  app: EchoServer;
  rpc: JsonGrpcServer;
  tg: StandaloneHarness;
  port: number;
  /** A gRPC client for host grpc.test (method `/svc.Api/Call`). */
  client: JsonGrpcClient;
  /** GET `path` on `host` through the gateway. */
  get(path: string, headers?: Record<string, string>, host?: string): Promise<HttpResult>;
  /** The Accepted condition of SecurityPolicy `name` in /debug/status. */
  accepted(name: string): Promise<{ type: string; status: string; message: string } | undefined>;
  close(): Promise<void>;
}

interface StatusReport {
  statuses: Array<{ kind: string; name: string; status: { conditions?: Array<{ type: string; status: string; message: string }> } }>;
}

/**
 * Starts it with `files` (name → YAML) besides gateway.yaml, services.yaml (Services app and
 * rpc) and open-routes.yaml (HTTPRoute `open` for open.test, no policy; GRPCRoute `rpc` for
 * grpc.test). Resolves once Envoy serves open.test.
 */
export async function startSecurityGateway(files: Record<string, string>, defaultHost: string): Promise<SecurityGateway> {
  const [app, rpc] = await Promise.all([startEcho({ name: 'app' }), startJsonGrpc('rpc', ['/svc.Api/Call'])]);
  const port = await freePort();
  const tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'services.yaml': docs(service('app', [app.port]), grpcService('rpc', rpc.port)),
    'open-routes.yaml': docs(simpleRoute('HTTPRoute', 'open', 'http', ['app'], ['open.test']), simpleRoute('GRPCRoute', 'rpc', 'http', ['rpc:50051'], ['grpc.test'])),
    ...files,
  });
  const client = new JsonGrpcClient(`127.0.0.1:${port}`, 'grpc.test');
  await waitFor(async () => (await httpRequest(port, '/', { host: 'open.test' })).status === 200, 20_000, 'Envoy to serve the routes');
  return {
    app,
    rpc,
    tg,
    port,
    client,
    get: (path, headers = {}, host = defaultHost) => httpRequest(port, path, { host, headers }),
    async accepted(name) {
      const report = (await (await fetch(`http://127.0.0.1:${tg.plane.adminPort}/debug/status`)).json()) as StatusReport;
      return report.statuses.find((s) => s.kind === 'SecurityPolicy' && s.name === name)?.status.conditions?.find((c) => c.type === 'Accepted');
    },
    async close() {
      client.close();
      await tg.close();
      await Promise.all([app.close(), rpc.close()]);
    },
  };
}
