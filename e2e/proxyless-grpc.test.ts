// Proxyless gRPC: @grpc/grpc-js-xds, an xDS client independent of Envoy, routes real RPCs by what Tidegate serves.
import { grpcEcho, startGrpcEcho, type GrpcEchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let g1: GrpcEchoServer, g2: GrpcEchoServer;
let tg: StandaloneHarness;

const target = (backends: string) => `
apiVersion: tidegate.io/v1alpha1
kind: GrpcTarget
metadata: { name: echo, namespace: default }
spec:
  gateway: gw
  target: echo.grpc.test
  routes:
    - match: { service: tidegate.testing.v1.Echo }
      backendRefs: [${backends}]
`;

beforeAll(async () => {
  [g1, g2] = await Promise.all([startGrpcEcho('g1'), startGrpcEcho('g2')]);
  tg = await startStandalone(
    {
      'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', await freePort()))),
      'services.yaml': docs(service('g1', [g1.port]), service('g2', [g2.port])),
      'target.yaml': target('{ name: g1, port: 80 }, { name: g2, port: 80 }'),
    },
    { envoy: false },
  );
  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${tg.plane.xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: 'proxyless-e2e', cluster: 'default/gw', locality: {} },
  });
  // Registering the xds: scheme is global to the grpc-js instance; done once per test file.
  (require('@grpc/grpc-js-xds') as { register(): void }).register();
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([g1, g2].map((s) => s?.close()));
});

it('routes RPCs to the backends of the target and follows a live change', async () => {
  const seen = new Set<string>();
  await waitFor(async () => {
    seen.add((await grpcEcho('xds:///echo.grpc.test', 'hi')).backend);
    return seen.size === 2;
  }, 20_000, 'both gRPC backends to be reached over xDS');

  await tg.write('target.yaml', target('{ name: g2, port: 80 }'));
  await waitFor(async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => grpcEcho('xds:///echo.grpc.test', 'again')));
    return replies.every((r) => r.backend === 'g2');
  }, 15_000, 'traffic to move to g2 only');
});
