// McpBridge static and DNS registries end to end: `<name>.static` and `<name>.dns` hosts routed by real Envoy.
import { startEcho, type EchoServer } from '@tidegate/testkit';
import { GATEWAY_CLASS, docs, gateway, httpListener } from './support/fixtures';
import { freePort, httpRequest, waitFor } from './support/http';
import { hostnameRoute } from './support/registry';
import { startStandalone, type StandaloneHarness } from './support/standalone';

jest.setTimeout(60_000);

let tg: StandaloneHarness;
let port: number;
const echoes: EchoServer[] = [];

beforeAll(async () => {
  for (const name of ['s1', 's2', 'd1']) echoes.push(await startEcho({ name }));
  const [s1, s2, d1] = echoes as [EchoServer, EchoServer, EchoServer];
  port = await freePort();
  tg = await startStandalone({
    'gateway.yaml': docs(GATEWAY_CLASS, gateway('gw', httpListener('http', port))),
    'bridge.yaml': `
apiVersion: networking.higress.io/v1
kind: McpBridge
metadata: { name: default, namespace: higress-system }
spec:
  registries:
    - { name: legacy, type: static, domain: "127.0.0.1:${s1.port},127.0.0.1:${s2.port}", port: 80 }
    - { name: local, type: dns, domain: localhost, port: ${d1.port} }
`,
    'routes.yaml': docs(
      hostnameRoute('legacy', 'gw', 'legacy.static', { path: '/legacy', port: 80 }),
      hostnameRoute('local', 'gw', 'local.dns', { path: '/local' }),
      hostnameRoute('nowhere', 'gw', 'nowhere.static', { path: '/nowhere' }),
    ),
  });
});

afterAll(async () => {
  await tg?.close();
  for (const e of echoes) await e.close();
});

it('balances a static registry host over its addresses', async () => {
  const seen = new Set<string>();
  await waitFor(async () => {
    const r = await httpRequest(port, '/legacy');
    if (r.status === 200) seen.add(r.json.backend);
    return seen.size === 2;
  }, 20_000, 'answers from both static addresses');
});

it('sends a DNS registry host to the address Envoy resolves', async () => {
  const r = await waitFor(async () => {
    const res = await httpRequest(port, '/local');
    return res.status === 200 ? res : undefined;
  }, 20_000, 'the DNS host');
  expect(r.json.backend).toBe('d1');
});

it('answers 500 for a registry host that does not exist, and says why in the route status', async () => {
  expect((await httpRequest(port, '/nowhere')).status).toBe(500);
  const status = tg.plane.statusReport().statuses as Array<{ kind: string; name: string; status: { parents: Array<{ conditions: Array<{ type: string; status: string; reason: string }> }> } }>;
  const route = status.find((s) => s.kind === 'HTTPRoute' && s.name === 'nowhere');
  expect(route?.status.parents[0]?.conditions).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' })]),
  );
});
