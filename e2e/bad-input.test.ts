// Broken configuration: errors name the file, object and field; the last good configuration keeps serving.
import * as net from 'node:net';
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, prefixRoute, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let echo: EchoServer;
let tg: StandaloneHarness;
let port: number;

// Routes on Gateway gw to Service svc.
const route = prefixRoute;

interface StatusReport {
  errors: Array<{ object: { kind: string; name: string }; source?: { file?: string }; path: string; code: string; message: string }>;
}
const status = async (): Promise<StatusReport> => (await httpRequest(tg.plane.adminPort, '/debug/status')).json;

beforeAll(async () => {
  echo = await startEcho({ name: 'echo' });
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port])),
    'good.yaml': route('good', '/good'),
    'other.yaml': route('other', '/other'),
  });
  await waitFor(async () => (await httpRequest(port, '/good')).status === 200, 20_000, 'Envoy to serve');
});

afterAll(async () => {
  await tg?.close();
  await echo?.close();
});

it('keeps serving a file whose YAML no longer parses, and names the file and line', async () => {
  await tg.write('good.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: good\n  broken: [');
  const err = await waitFor(async () => (await status()).errors.find((e) => e.source?.file === 'good.yaml'), 5000, 'the YAML error');
  expect(err.message).toMatch(/^good\.yaml:\d+:\d+: /);
  expect((await httpRequest(port, '/good')).status).toBe(200);
  await tg.write('good.yaml', route('good', '/good'));
  await waitFor(async () => (await status()).errors.length === 0, 5000, 'the error to clear');
});

it('names the object and field of an unknown field, keeps its last valid version serving, and other objects still update', async () => {
  await tg.write('other.yaml', route('other', '/other-v2', '\n      bakendRefs: []'));
  const err = await waitFor(async () => (await status()).errors.find((e) => e.object.name === 'other'), 5000, 'the field error');
  expect(err.source?.file).toBe('other.yaml');
  expect(err).toMatchObject({ code: 'unknown-field', path: 'spec.rules[0].bakendRefs', object: { kind: 'HTTPRoute', namespace: 'default', name: 'other' } });
  expect(err.message).toMatch(/\(serving the last valid version of HTTPRoute default\/other\)$/);
  // A one-word typo does not drop the route: its last valid version keeps serving.
  expect((await httpRequest(port, '/other')).status).toBe(200);
  expect((await httpRequest(port, '/other-v2')).status).toBe(404);
  await tg.write('good.yaml', route('good', '/good-v2'));
  await waitFor(async () => (await httpRequest(port, '/good-v2')).status === 200, 5000, 'the other file to apply');
});

it('reports what Envoy rejects (a listener port already taken) and keeps the rest serving', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const busyPort = (taken.address() as net.AddressInfo).port;
  try {
    await tg.write('gateway.yaml', docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port) + httpListener('busy', busyPort)), service('svc', [echo.port])));
    // The NACK lands on the object whose change Envoy rejected; it is held at its last accepted version.
    const err = await waitFor(async () => (await status()).errors.find((e) => e.code === 'envoy-rejected'), 10_000, 'the NACK to show');
    expect(err).toMatchObject({ object: { kind: 'Gateway', namespace: 'default', name: 'gw' }, source: { file: 'gateway.yaml' }, code: 'envoy-rejected' });
    expect(err.message).toMatch(/Envoy rejected this change \(proxy .*, LDS\): .*its last accepted version keeps serving/);
    const gw = (await httpRequest(tg.plane.adminPort, '/debug/status')).json.statuses.find((x: { kind: string }) => x.kind === 'Gateway');
    expect(gw.status.conditions[0]).toMatchObject({ type: 'Programmed', status: 'False', reason: 'Rejected', message: expect.stringMatching(/Address already in use/) });
    expect((await httpRequest(port, '/good-v2')).status).toBe(200);
    // Other objects' changes keep flowing while the Gateway is held.
    await tg.write('good.yaml', route('good', '/good-v3'));
    await waitFor(async () => (await httpRequest(port, '/good-v3')).status === 200, 5000, 'a route change while the Gateway is held');
    const metrics = (await httpRequest(tg.plane.adminPort, '/metrics')).body;
    expect(metrics).toMatch(/tidegate_xds_nacks_total\{type="LDS"\} [1-9]/);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
  // Fixed: the error clears once Envoy accepts a later listener version.
  await tg.write('gateway.yaml', docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port)), service('svc', [echo.port])));
  await waitFor(async () => !(await status()).errors.some((e) => e.code === 'envoy-rejected'), 10_000, 'the NACK error to clear');
});

it('never re-sends configuration Envoy rejected, and nothing else was rejected', async () => {
  const syncz = (await httpRequest(tg.plane.adminPort, '/debug/syncz')).json as Array<{ type: string; lastNack?: unknown }>;
  expect(syncz.length).toBeGreaterThan(0);
  // Only the deliberate busy-port listener above was ever rejected.
  expect(syncz.filter((s) => s.lastNack && s.type !== 'LDS')).toEqual([]);
  const nacks = Number(/tidegate_xds_nacks_total\{type="LDS"\} (\d+)/.exec((await httpRequest(tg.plane.adminPort, '/metrics')).body)?.[1] ?? 0);
  await new Promise((r) => setTimeout(r, 1000));
  const later = Number(/tidegate_xds_nacks_total\{type="LDS"\} (\d+)/.exec((await httpRequest(tg.plane.adminPort, '/metrics')).body)?.[1] ?? 0);
  expect(later).toBe(nacks); // no resend loop
});
