// Control-plane restart under load: Envoy keeps serving, reconnects, and resyncs — once with SotW, once with Delta.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlPlane } from '@tidegate/tidegate';
import { EnvoyProcess, buildBootstrap, locateEnvoy } from '@tidegate/envoy-runner';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startLoad } from './support/load';

jest.setTimeout(120_000);

const route = (prefix: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      backendRefs: [{ name: svc, port: 80 }]
`;

describe.each(['sotw', 'delta'] as const)('with %s xDS', (protocol) => {
  let echo: EchoServer;
  let envoy: EnvoyProcess;
  let dir: string;
  let port: number;
  let xdsPort: number;
  let plane: ControlPlane;

  const startPlane = async (): Promise<ControlPlane> => {
    const p = new ControlPlane({
      configDir: dir,
      xds: { host: '127.0.0.1', port: xdsPort },
      admin: { host: '127.0.0.1', port: 0 },
      defaultListenAddress: '127.0.0.1',
    });
    await p.start();
    return p;
  };

  beforeAll(async () => {
    echo = await startEcho({ name: 'echo' });
    [port, xdsPort] = [await freePort(), await freePort()];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-restart-'));
    fs.writeFileSync(path.join(dir, 'gw.yaml'), docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port])));
    fs.writeFileSync(path.join(dir, 'route.yaml'), route('/before'));
    plane = await startPlane();
    const binary = (await locateEnvoy({ install: false })).path;
    envoy = new EnvoyProcess({
      binary,
      bootstrap: buildBootstrap({ nodeId: `restart-${protocol}`, cluster: 'default/gw', xds: { host: '127.0.0.1', port: xdsPort }, protocol, adminPort: 0 }),
      adminPort: 0,
      logLevel: 'warning',
      drainTimeSeconds: 0,
    });
    await envoy.start();
    await waitFor(async () => (await httpRequest(port, '/before')).status === 200, 20_000, 'Envoy to serve');
  });

  afterAll(async () => {
    await envoy?.stop();
    await plane?.stop();
    await echo?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving with zero failures while the control plane is down, then resyncs', async () => {
    const load = startLoad({ port, path: '/before', concurrency: 4, maxDurationMs: 30_000, maxRequests: 100_000 });
    await new Promise((r) => setTimeout(r, 500));
    await plane.stop();
    await new Promise((r) => setTimeout(r, 2000));
    const whileDown = load.current().ok;
    // Changed while the control plane was down: picked up after the restart.
    fs.writeFileSync(path.join(dir, 'route.yaml'), route('/before') + '---\n' + route('/after').replace('name: r,', 'name: r2,'));
    plane = await startPlane();
    await waitFor(async () => (await httpRequest(port, '/after')).status === 200, 15_000, 'the resynced route');
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(whileDown).toBeGreaterThan(100);
    expect(result.ok).toBeGreaterThan(whileDown);
  });
});
