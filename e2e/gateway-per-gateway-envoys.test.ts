// One data plane per Gateway in standalone: each Gateway gets its own Envoy, bound to its own
// spec.addresses (loopback 127.0.0.2 / 127.0.0.3, same port), reported in status; adding or
// removing a Gateway file starts or stops its Envoy.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gatewayWithRoute as gatewayAndRoute, service } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(90_000);

let a: EchoServer, b: EchoServer, c: EchoServer;
let tg: StandaloneHarness;
let port: number;

/** A Gateway bound to `address` on the shared test port, plus an HTTPRoute to `svc`. */
const gatewayWithRoute = (name: string, address: string, svc: string): string => gatewayAndRoute(name, svc, { http: port }, { address });

const groups = () => tg.plane.envoys().map((e) => e.group).sort();
const backendAt = async (address: string) => (await httpRequest(port, '/', { address, timeoutMs: 2000 })).json?.backend;

/** Listener names and addresses an Envoy reports on its own admin API. */
async function envoyListeners(group: string): Promise<string[]> {
  // The supervisor reads the admin address a moment after Envoy writes it.
  const admin = await waitFor(() => tg.plane.envoys().find((e) => e.group === group)?.adminAddress, 10_000, `the admin address of ${group}`);
  const res = await fetch(`http://${admin}/listeners?format=json`);
  const body = (await res.json()) as { listener_statuses: Array<{ name: string; local_address: { socket_address: { address: string; port_value: number } } }> };
  return body.listener_statuses.map((l) => `${l.name}@${l.local_address.socket_address.address}:${l.local_address.socket_address.port_value}`);
}

function gatewayStatus(name: string): { addresses?: unknown; conditions: Array<{ type: string; status: string }> } | undefined {
  const s = tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: never }>;
  return s.find((x) => x.kind === 'Gateway' && x.name === name)?.status;
}

beforeAll(async () => {
  [a, b, c] = await Promise.all([startEcho({ name: 'a' }), startEcho({ name: 'b' }), startEcho({ name: 'c' })]);
  port = await freePort();
  tg = await startStandalone({
    'class.yaml': GATEWAY_CLASS,
    'services.yaml': docs(service('svc-a', [a.port]), service('svc-b', [b.port]), service('svc-c', [c.port])),
    'gw-a.yaml': gatewayWithRoute('gw-a', '127.0.0.2', 'svc-a'),
    'gw-b.yaml': gatewayWithRoute('gw-b', '127.0.0.3', 'svc-b'),
  });
  expect(tg.errors()).toEqual([]);
  await waitFor(async () => (await backendAt('127.0.0.2')) === 'a' && (await backendAt('127.0.0.3')) === 'b', 30_000, 'both Envoys to serve');
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([a, b, c].map((s) => s?.close()));
});

it('runs one Envoy per Gateway, each bound only to its own address and port', async () => {
  expect(groups()).toEqual(['default/gw-a', 'default/gw-b']);
  expect(await envoyListeners('default/gw-a')).toEqual([`http-${port}@127.0.0.2:${port}`]);
  expect(await envoyListeners('default/gw-b')).toEqual([`http-${port}@127.0.0.3:${port}`]);
  expect(await backendAt('127.0.0.2')).toBe('a');
  expect(await backendAt('127.0.0.3')).toBe('b');
});

it('reports each bound address in the Gateway status', () => {
  expect(gatewayStatus('gw-a')).toMatchObject({ addresses: [{ type: 'IPAddress', value: '127.0.0.2' }] });
  expect(gatewayStatus('gw-b')).toMatchObject({ addresses: [{ type: 'IPAddress', value: '127.0.0.3' }] });
  expect(gatewayStatus('gw-a')?.conditions).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'True' }), expect.objectContaining({ type: 'Programmed', status: 'True' })]),
  );
});

it('stops the Envoy of a removed Gateway and leaves the other serving', async () => {
  await tg.remove('gw-b.yaml');
  await waitFor(() => groups().join() === 'default/gw-a', 20_000, 'the Envoy of gw-b to stop');
  await waitFor(async () => (await backendAt('127.0.0.3').catch((err: Error) => err.message)) !== 'b', 10_000, '127.0.0.3 to stop answering');
  await expect(backendAt('127.0.0.3')).rejects.toThrow(/ECONNREFUSED/);
  expect(await backendAt('127.0.0.2')).toBe('a');
  expect(gatewayStatus('gw-b')).toBeUndefined();
});

it('starts an Envoy for a new Gateway', async () => {
  await tg.write('gw-c.yaml', gatewayWithRoute('gw-c', '127.0.0.3', 'svc-c'));
  await waitFor(() => groups().join() === 'default/gw-a,default/gw-c', 20_000, 'an Envoy for gw-c');
  await waitFor(async () => (await backendAt('127.0.0.3').catch(() => undefined)) === 'c', 20_000, 'gw-c to serve on 127.0.0.3');
  expect(await backendAt('127.0.0.2')).toBe('a');
});
