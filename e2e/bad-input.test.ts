// Broken configuration: errors name the file, object and field; the last good configuration keeps serving.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let echo: EchoServer;
let tg: StandaloneHarness;
let port: number;

const route = (name: string, prefix: string, extra = '') => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      backendRefs: [{ name: svc, port: 80 }]${extra}
`;

interface StatusReport {
  errors: Array<{ object: { kind: string; name: string }; source?: { file?: string }; path: string; message: string }>;
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

it('names the object and field of an unknown field, and other objects still update', async () => {
  await tg.write('other.yaml', route('other', '/other', '\n      bakendRefs: []'));
  const err = await waitFor(async () => (await status()).errors.find((e) => e.object.name === 'other'), 5000, 'the field error');
  expect(err.source?.file).toBe('other.yaml');
  expect(err).toMatchObject({ code: 'unknown-field', path: 'spec.rules[0].bakendRefs', object: { kind: 'HTTPRoute', namespace: 'default', name: 'other' } });
  await tg.write('good.yaml', route('good', '/good-v2'));
  await waitFor(async () => (await httpRequest(port, '/good-v2')).status === 200, 5000, 'the other file to apply');
});

it('never sends Envoy configuration it rejects', async () => {
  const syncz = (await httpRequest(tg.plane.adminPort, '/debug/syncz')).json as Array<{ lastNack?: unknown }>;
  expect(syncz.length).toBeGreaterThan(0);
  expect(syncz.filter((s) => s.lastNack)).toEqual([]);
});
